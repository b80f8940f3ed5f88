import { Connection } from './device-connection';
import { RemoteBuffer, RemoteTexture } from './remote-buffer';
import { RemoteBindGroup, RemoteCommandEncoder, RemotePipeline, RemoteQueue, RemoteShaderModule } from './remote-commands';
import { RemoteObject } from './remote-object';

/**
 * The main-thread side of a WebGPU device that lives on a worker thread (device-worker.js explains why).
 * The device proxy here and the object proxies (remote-object.ts, remote-buffer.ts, remote-commands.ts)
 * implement the part of the WebGPU API that tfjs-backend-webgpu 4.22 calls. Calls that
 * return nothing are queued and posted in batches at each queue.submit; reads block until the worker
 * answers. Object ids are chosen here, so creating an object never waits.
 */

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
