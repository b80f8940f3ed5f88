import { GPUMapMode } from './gpu-flags';
import { RemoteObject } from './remote-object';

/**
 * GPUBuffer and GPUTexture proxies. A buffer mapped at creation fills a local copy that unmap sends; a
 * MAP_READ mapping blocks on a read from the worker (tfjs reads tensors synchronously).
 */

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
