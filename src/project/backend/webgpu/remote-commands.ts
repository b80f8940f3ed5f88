import { RemoteObject } from './remote-object';
import type { RemoteBuffer } from './remote-buffer';

/**
 * The proxies of the compute path tfjs-backend-webgpu 4.22 drives: pipelines and their bind group
 * layouts, bind groups, shader modules, command encoders, compute passes and the queue. All calls are
 * queued; queue.submit posts the batch.
 */

export class RemoteBindGroupLayout extends RemoteObject {}
export class RemoteBindGroup extends RemoteObject {}
export class RemoteShaderModule extends RemoteObject {}
export class RemoteCommandBuffer extends RemoteObject {}

export class RemotePipeline extends RemoteObject {
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

export class RemoteComputePass extends RemoteObject {
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

export class RemoteCommandEncoder extends RemoteObject {
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
