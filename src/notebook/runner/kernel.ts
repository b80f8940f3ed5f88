import { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConnectionInfo, newConnectionInfo, writeConnectionFile } from './connection';
import { ExecuteReply, trackExecution } from './execution-tracker';
import { KernelChannels } from './kernel-channels';
import { forgetKernel, killKernelGroup, spawnKernel, StartOptions } from './kernel-process';
import { JupyterMessage, makeMessage, MessageHeader } from './wire';

export type { ExecuteReply } from './execution-tracker';
export type { StartOptions } from './kernel-process';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A client for one tslab kernel over the Jupyter messaging protocol v5: spawns it (kernel-process.ts),
 * connects its channels (kernel-channels.ts), waits for the kernel_info handshake, runs cells and shuts
 * it down.
 */
export class KernelClient {
  readonly session = `taco-${process.pid}-${Date.now().toString(36)}`;
  /** Seconds from spawn to a completed kernel_info handshake. */
  startSeconds = 0;
  kernelInfo: Record<string, unknown> = {};
  private readonly channels: KernelChannels;
  private exited: { code: number | null; signal: string | null } | null = null;
  private exitListeners: (() => void)[] = [];
  private logTail = '';
  private closed = false;

  private constructor(
    private readonly child: ChildProcess,
    conn: ConnectionInfo,
    private readonly connFile: string,
  ) {
    this.channels = new KernelChannels(conn);
    const keep = (b: Buffer): void => {
      this.logTail = (this.logTail + b.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      forgetKernel(child);
      for (const l of this.exitListeners.splice(0)) l();
    });
  }

  static async start(opts: StartOptions): Promise<KernelClient> {
    const t0 = Date.now();
    const conn = await newConnectionInfo();
    const connFile = writeConnectionFile(conn);
    const child = spawnKernel(opts, connFile);
    const k = new KernelClient(child, conn, connFile);
    try {
      await k.handshake(opts.startTimeoutMs ?? 90_000);
    } catch (e) {
      await k.shutdown({ force: true });
      throw e;
    }
    k.startSeconds = (Date.now() - t0) / 1000;
    return k;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isAlive(): boolean {
    return this.exited === null;
  }

  /** The kernel process's own stdout/stderr (outside cell executions): where tslab start-up failures show. */
  get log(): string {
    return this.logTail;
  }

  private onExit(l: () => void): () => void {
    this.exitListeners.push(l);
    return () => {
      this.exitListeners = this.exitListeners.filter((x) => x !== l);
    };
  }

  private deathError(what: string): Error {
    const how = this.exited ? (this.exited.signal ? `signal ${this.exited.signal}` : `exit code ${this.exited.code}`) : 'unknown';
    const tail = this.logTail.trim() ? `\nkernel log:\n${this.logTail.trim().split('\n').slice(-20).join('\n')}` : '';
    return new Error(`tslab kernel died ${what} (${how})${tail}`);
  }

  /**
   * kernel_info until both its reply (shell works) and one of its iopub status messages arrive: a SUB
   * socket misses what is published before it has connected, so executing earlier could lose outputs.
   */
  private async handshake(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let gotReply = false;
    let gotIopub = false;
    const ids: string[] = [];
    try {
      while (!(gotReply && gotIopub)) {
        if (this.exited) throw this.deathError('while starting');
        if (Date.now() > deadline) throw new Error(`tslab kernel did not answer kernel_info within ${timeoutMs / 1000} s${this.logTail ? `\nkernel log:\n${this.logTail}` : ''}`);
        const req = makeMessage(this.session, 'kernel_info_request', {});
        ids.push(req.header.msg_id);
        this.channels.replyWaiters.set(req.header.msg_id, (m) => {
          gotReply = true;
          this.kernelInfo = m.content;
        });
        this.channels.iopubWaiters.set(req.header.msg_id, () => {
          gotIopub = true;
        });
        await this.channels.sendShell(req);
        const until = Date.now() + (gotReply ? 200 : 1000);
        while (Date.now() < until && !(gotReply && gotIopub) && !this.exited) await sleep(20);
      }
    } finally {
      for (const id of ids) {
        this.channels.replyWaiters.delete(id);
        this.channels.iopubWaiters.delete(id);
      }
    }
  }

  /** One heartbeat round trip; false when the kernel does not echo within 2 s. */
  heartbeat(): Promise<boolean> {
    return this.channels.heartbeat();
  }

  /**
   * Runs one cell. `onIopub` sees every iopub message of this execution (outputs, status). Resolves
   * when both the execute_reply and the iopub `idle` status have arrived (only then are all outputs in),
   * or at the timeout after an interrupt and a grace period.
   */
  async execute(code: string, onIopub: (m: JupyterMessage) => void, timeoutMs: number, stopOnError = true): Promise<ExecuteReply> {
    if (this.exited) throw this.deathError('before the cell ran');
    const req = makeMessage(this.session, 'execute_request', {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: stopOnError,
    });
    const run = trackExecution(this.channels, req.header.msg_id, onIopub, (l) => this.onExit(l));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    try {
      await this.channels.sendShell(req);
      const first = await Promise.race([run.done.then(() => 'done' as const), timedOut]);
      if (first === 'timeout') {
        // tslab's SIGINT handler rejects the running cell's pending awaits; a synchronous loop ignores
        // it, so wait briefly, and the caller then shuts the kernel down.
        this.interrupt();
        await Promise.race([run.done, sleep(2000)]);
      }
      const r = run.reply();
      if (!r && this.exited && first !== 'timeout') throw this.deathError('while running a cell');
      const content = (r?.content ?? {}) as { status?: string; execution_count?: number };
      const status = content.status === 'ok' || content.status === 'abort' ? content.status : 'error';
      return { status: first === 'timeout' ? 'error' : status, execution_count: content.execution_count ?? null, timing: run.timing, timedOut: first === 'timeout' };
    } finally {
      clearTimeout(timer);
      run.stop();
    }
  }

  /** Jupyter's default interrupt_mode "signal": SIGINT to the kernel process itself. */
  interrupt(): void {
    if (this.child.pid !== undefined && !this.exited) {
      try { process.kill(this.child.pid, 'SIGINT'); } catch { /* gone */ }
    }
  }

  /**
   * shutdown_request on the control channel, then (if it is still there after a grace period) SIGTERM
   * and SIGKILL to its process group. Closes our sockets and removes the connection file. Idempotent.
   */
  async shutdown(opts: { force?: boolean; graceMs?: number } = {}): Promise<void> {
    const graceMs = opts.graceMs ?? 2000;
    if (this.closed) return;
    this.closed = true;
    const exited = new Promise<void>((r) => {
      if (this.exited) r();
      else this.onExit(r);
    });
    if (!this.exited && !opts.force) {
      try {
        const req = makeMessage(this.session, 'shutdown_request', { restart: false });
        await Promise.race([this.channels.sendControl(req), sleep(500)]);
      } catch { /* the kernel may be gone already */ }
      await Promise.race([exited, sleep(graceMs)]);
    }
    await killKernelGroup(this.child, exited, () => this.exited !== null);
    this.channels.close();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    fs.rmSync(path.dirname(this.connFile), { recursive: true, force: true });
  }
}

export type { MessageHeader };
