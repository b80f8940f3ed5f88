import * as path from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/**
 * The main-thread side of a WebGPU device that lives on a worker thread (device-worker.js explains why).
 * The classes below implement the part of the WebGPU API that tfjs-backend-webgpu 4.22 calls. Calls that
 * return nothing are queued and posted in batches at each queue.submit; reads block until the worker
 * answers. Object ids are chosen here, so creating an object never waits.
 */

/** WebGPU's flag values (fixed by the spec). */
export const GPUBufferUsage = { MAP_READ: 0x1, MAP_WRITE: 0x2, COPY_SRC: 0x4, COPY_DST: 0x8, INDEX: 0x10, VERTEX: 0x20, UNIFORM: 0x40, STORAGE: 0x80, INDIRECT: 0x100, QUERY_RESOLVE: 0x200 };
export const GPUMapMode = { READ: 0x1, WRITE: 0x2 };
export const GPUTextureUsage = { COPY_SRC: 0x1, COPY_DST: 0x2, TEXTURE_BINDING: 0x4, STORAGE_BINDING: 0x8, RENDER_ATTACHMENT: 0x10 };
export const GPUShaderStage = { VERTEX: 0x1, FRAGMENT: 0x2, COMPUTE: 0x4 };

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export interface RemoteInit {
  info: AdapterInfo;
  limits: Record<string, number>;
  features: string[];
}

type Cmd = unknown[];

/** Longest a single read may take before we call the device hung (a big batch on llvmpipe is slow). */
const READ_TIMEOUT_MS = 15 * 60 * 1000;
/** Posting is cheap but unbounded batches hold every uniform upload in memory. */
const MAX_BATCH = 4096;

const released = new FinalizationRegistry<{ conn: Connection; id: number }>(({ conn, id }) => conn.release(id));

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

/** Replaces proxies by references the worker resolves; copies everything else. */
function encode(v: unknown): unknown {
  if (v instanceof RemoteObject) return { __r: v.id };
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
  if (Array.isArray(v)) return v.map(encode);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = encode(x);
  return out;
}

export class RemoteObject {
  label = '';
  constructor(
    readonly conn: Connection,
    readonly id: number,
    track = true,
  ) {
    if (track) released.register(this, { conn, id });
  }

  protected call(method: string, ...args: unknown[]): void {
    this.conn.push(['call', this.id, method, encode(args)]);
  }

  protected make<T extends RemoteObject>(Kind: new (conn: Connection, id: number) => T, method: string, ...args: unknown[]): T {
    const obj = new Kind(this.conn, this.conn.id());
    this.conn.push(['new', obj.id, this.id, method, encode(args)]);
    return obj;
  }
}

export class RemoteBuffer extends RemoteObject {
  size = 0;
  usage = 0;
  mapState: 'unmapped' | 'pending' | 'mapped' = 'unmapped';
  private mapped: ArrayBuffer | null = null;
  /** Mapped at creation: the data stays here until unmap sends it. */
  private filling = false;

  getMappedRange(offset = 0, size?: number): ArrayBuffer {
    if (!this.mapped) throw new Error('webgpu: getMappedRange on a buffer that is not mapped');
    return offset === 0 && size === undefined ? this.mapped : this.mapped.slice(offset, size === undefined ? undefined : offset + size);
  }

  mapAsync(mode: number): Promise<void> {
    if (mode !== GPUMapMode.READ) return Promise.reject(new Error('webgpu: only MAP_READ mapping is supported'));
    this.mapped = this.conn.request<ArrayBuffer>({ op: 'read', id: this.id, size: this.size });
    this.mapState = 'mapped';
    return Promise.resolve();
  }

  unmap(): void {
    if (this.filling && this.mapped) this.conn.push(['fill', this.id, this.mapped]);
    this.filling = false;
    this.mapped = null;
    this.mapState = 'unmapped';
  }

  destroy(): void {
    this.call('destroy');
  }

  /** @internal */
  startFilling(): void {
    this.mapped = new ArrayBuffer(this.size);
    this.filling = true;
    this.mapState = 'mapped';
  }
}

/** Textures only come up in tfjs' fromPixels paths, which Node has no use for. */
export class RemoteTexture extends RemoteObject {}

class RemoteBindGroupLayout extends RemoteObject {}
class RemoteBindGroup extends RemoteObject {}
class RemoteShaderModule extends RemoteObject {}
class RemoteCommandBuffer extends RemoteObject {}

class RemotePipeline extends RemoteObject {
  private layouts = new Map<number, RemoteBindGroupLayout>();
  getBindGroupLayout(index: number): RemoteBindGroupLayout {
    let l = this.layouts.get(index);
    if (!l) {
      l = this.make(RemoteBindGroupLayout, 'getBindGroupLayout', index);
      this.layouts.set(index, l);
    }
    return l;
  }
}

class RemoteComputePass extends RemoteObject {
  setPipeline(p: RemotePipeline): void {
    this.call('setPipeline', p);
  }
  setBindGroup(index: number, group: RemoteBindGroup): void {
    this.call('setBindGroup', index, group);
  }
  dispatchWorkgroups(x: number, y = 1, z = 1): void {
    this.call('dispatchWorkgroups', x, y, z);
  }
  end(): void {
    this.call('end');
  }
}

class RemoteCommandEncoder extends RemoteObject {
  beginComputePass(desc: Record<string, unknown> = {}): RemoteComputePass {
    return this.make(RemoteComputePass, 'beginComputePass', desc);
  }
  copyBufferToBuffer(src: RemoteBuffer, srcOffset: number, dst: RemoteBuffer, dstOffset: number, size: number): void {
    this.call('copyBufferToBuffer', src, srcOffset, dst, dstOffset, size);
  }
  finish(): RemoteCommandBuffer {
    return this.make(RemoteCommandBuffer, 'finish');
  }
}

export class RemoteQueue extends RemoteObject {
  submit(buffers: RemoteCommandBuffer[]): void {
    this.call('submit', buffers);
    this.conn.flush();
  }
  writeBuffer(buffer: RemoteBuffer, offset: number, data: ArrayBuffer | ArrayBufferView, dataOffset = 0, size?: number): void {
    // Copy now: the caller may reuse its array before the batch is posted.
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    const elem = ArrayBuffer.isView(data) && 'BYTES_PER_ELEMENT' in data ? (data as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 1;
    const start = dataOffset * elem;
    const end = size === undefined ? bytes.byteLength : start + size * elem;
    this.call('writeBuffer', buffer, offset, bytes.slice(start, end));
  }
  onSubmittedWorkDone(): Promise<void> {
    this.conn.request({ op: 'flush' });
    return Promise.resolve();
  }
}

/** Limits tfjs sizes its work by, and that the binding guard checks (see limits.ts). */
export class RemoteDevice extends RemoteObject {
  readonly queue: RemoteQueue;
  readonly features: Set<string>;
  readonly lost = new Promise<never>(() => undefined);
  onuncapturederror: unknown = null;

  constructor(
    conn: Connection,
    readonly limits: Record<string, number>,
    features: string[],
    readonly adapterInfo: AdapterInfo,
  ) {
    super(conn, 1, false);
    this.queue = new RemoteQueue(conn, 2, false);
    // Timestamp queries would need readbacks of their own; tfjs only uses them for profiling.
    this.features = new Set(features.filter((f) => f !== 'timestamp-query'));
  }

  createBuffer(desc: { size: number; usage: number; mappedAtCreation?: boolean; label?: string }): RemoteBuffer {
    const max = this.limits.maxBufferSize;
    if (max !== undefined && desc.size > max) {
      throw new Error(`webgpu: a ${mib(desc.size)} buffer is over this adapter's maxBufferSize (${mib(max)}); use a smaller --batch or --imgsz, or another backend`);
    }
    const b = this.make(RemoteBuffer, 'createBuffer', desc);
    b.size = desc.size;
    b.usage = desc.usage;
    if (desc.mappedAtCreation) b.startFilling();
    return b;
  }
  createShaderModule(desc: Record<string, unknown>): RemoteShaderModule {
    return this.make(RemoteShaderModule, 'createShaderModule', desc);
  }
  createComputePipeline(desc: Record<string, unknown>): RemotePipeline {
    return this.make(RemotePipeline, 'createComputePipeline', desc);
  }
  createComputePipelineAsync(desc: Record<string, unknown>): Promise<RemotePipeline> {
    return Promise.resolve(this.createComputePipeline(desc));
  }
  createBindGroup(desc: Record<string, unknown>): RemoteBindGroup {
    return this.make(RemoteBindGroup, 'createBindGroup', desc);
  }
  createCommandEncoder(desc: Record<string, unknown> = {}): RemoteCommandEncoder {
    return this.make(RemoteCommandEncoder, 'createCommandEncoder', desc);
  }
  createTexture(): RemoteTexture {
    throw new Error('webgpu: textures (tf.browser.fromPixels) are not supported in Node');
  }
  createQuerySet(): RemoteObject {
    throw new Error('webgpu: query sets are not supported by the remote device');
  }
  importExternalTexture(): RemoteObject {
    throw new Error('webgpu: external textures are not supported in Node');
  }
  /** Reads a buffer (STORAGE | COPY_SRC) synchronously: the worker copies it to a staging buffer. */
  readBufferSync(buffer: RemoteBuffer, size = buffer.size): ArrayBuffer {
    return this.conn.request<ArrayBuffer>({ op: 'read', id: buffer.id, size });
  }
  destroy(): void {
    void this.conn.close();
  }
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 3 : 1)} MiB`;
}

/** Starts the worker, opens the adapter and device there, and returns the proxy. */
export function openRemoteDevice(opts: { dawnPath: string; flags: string[]; adapterOptions: Record<string, unknown> }): RemoteDevice {
  const conn = new Connection(opts);
  let init: RemoteInit;
  try {
    init = conn.request<RemoteInit>({ op: 'init' });
  } catch (e) {
    void conn.close();
    throw e;
  }
  return new RemoteDevice(conn, init.limits, init.features, init.info);
}
