import * as path from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/**
 * The channel to the device worker (device-worker.js explains why the device lives there): calls that
 * return nothing are queued and posted in batches (at each queue.submit or every MAX_BATCH commands);
 * a request posts the batch with one synchronous question and blocks (Atomics.wait on a shared flag)
 * until the worker answers on its reply port.
 */

type Cmd = unknown[];

/** Longest a single read may take before we call the device hung (a big batch on llvmpipe is slow). */
const READ_TIMEOUT_MS = 15 * 60 * 1000;
/** Posting is cheap but unbounded batches hold every uniform upload in memory. */
const MAX_BATCH = 4096;

export class Connection {
  private readonly worker: Worker;
  private readonly reply: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private batch: Cmd[] = [];
  private nextId = 3;
  private closed = false;

  constructor(workerData: { dawnPath: string; flags: string[]; adapterOptions: Record<string, unknown> }) {
    const { port1, port2 } = new MessageChannel();
    this.reply = port1;
    this.worker = new Worker(path.join(__dirname, 'device-worker.js'), {
      workerData: { ...workerData, signal: this.signal.buffer, reply: port2 },
      transferList: [port2],
      stdout: false,
      stderr: false,
    });
    // The device must not keep a finished program alive.
    this.worker.unref();
    this.reply.unref();
  }

  id(): number {
    return this.nextId++;
  }

  push(cmd: Cmd): void {
    if (this.closed) throw new Error('webgpu: the device was closed');
    this.batch.push(cmd);
    if (this.batch.length >= MAX_BATCH) this.flush();
  }

  release(id: number): void {
    if (!this.closed) this.batch.push(['release', id]);
  }

  flush(): void {
    if (this.batch.length === 0) return;
    this.worker.postMessage({ cmds: this.batch });
    this.batch = [];
  }

  /** Posts what is queued plus one request, and blocks until the worker answers it. */
  request<T>(sync: Record<string, unknown>): T {
    if (this.closed) throw new Error('webgpu: the device was closed');
    Atomics.store(this.signal, 0, 0);
    this.worker.postMessage({ cmds: this.batch, sync });
    this.batch = [];
    const t0 = Date.now();
    while (Atomics.load(this.signal, 0) === 0) {
      Atomics.wait(this.signal, 0, 0, 1000);
      if (Date.now() - t0 > READ_TIMEOUT_MS) throw new Error(`webgpu: the device worker did not answer "${sync.op}" within ${READ_TIMEOUT_MS / 60000} min`);
    }
    const got = receiveMessageOnPort(this.reply);
    if (!got) throw new Error(`webgpu: the device worker signalled "${sync.op}" but sent no answer`);
    const msg = got.message as { ok: boolean; value?: T; error?: string; errors: string[] };
    if (!msg.ok) throw new Error(`webgpu: ${sync.op} failed: ${msg.error}`);
    if (msg.errors.length > 0) throw new Error(`webgpu device error: ${msg.errors.slice(0, 3).join(' | ')}`);
    return msg.value as T;
  }

  close(): Promise<number> {
    this.closed = true;
    return this.worker.terminate();
  }
}
