import * as tf from '@tensorflow/tfjs-core';

/**
 * Composes kernels below the engine: calls a registered kernel function of one backend directly on
 * TensorInfos. Kernels built this way (the conv gradients) skip the engine's per-op bookkeeping and never
 * land on the gradient tape; every intermediate must be released with `free`.
 */
export interface KernelBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export class KernelCaller {
  constructor(
    readonly backend: tf.KernelBackend,
    readonly backendName: string,
  ) {}

  run(kernelName: string, inputs: tf.NamedTensorInfoMap | tf.TensorInfo[], attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const k = tf.getKernel(kernelName, this.backendName);
    if (!k) throw new Error(`kernel ${kernelName} is not registered for backend ${this.backendName}`);
    const out = k.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, attrs, backend: this.backend });
    return Array.isArray(out) ? out[0] : out;
  }

  /** Releases intermediates (reshape shares data through reference counts, so each info is released once). */
  free(...infos: (tf.TensorInfo | undefined)[]): void {
    for (const t of infos) if (t) this.backend.disposeData(t.dataId);
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** An output tensor with uninitialised contents (the caller writes every value). */
  empty(shape: number[]): tf.TensorInfo {
    return (this.backend as unknown as WasmBackendLike).makeOutput(shape, 'float32');
  }

  /**
   * A Float32Array over a tensor's values inside the wasm heap. Take it after the last allocation: an
   * allocation may grow the heap and detach earlier views.
   */
  heapView(x: tf.TensorInfo): Float32Array {
    return (this.backend as unknown as WasmBackendLike).typedArrayFromHeap(x) as Float32Array;
  }

  zeros(shape: number[]): tf.TensorInfo {
    return this.run('Fill', {}, { shape, value: 0, dtype: 'float32' });
  }

  /**
   * Pads (positive) or crops (negative) the H and W axes of an NHWC tensor: pads = [top, bottom, left, right].
   * Returns the input itself when nothing changes (callers must not free it twice).
   */
  padOrCropHW(x: tf.TensorInfo, pads: [number, number, number, number]): tf.TensorInfo {
    const [t, b, l, r] = pads;
    let cur = x;
    if (t < 0 || b < 0 || l < 0 || r < 0) {
      const [n, h, w, c] = x.shape;
      const top = Math.max(-t, 0);
      const left = Math.max(-l, 0);
      const size = [n, h - top - Math.max(-b, 0), w - left - Math.max(-r, 0), c];
      cur = this.run('Slice', { x }, { begin: [0, top, left, 0], size });
    }
    if (t > 0 || b > 0 || l > 0 || r > 0) {
      const padded = this.run('PadV2', { x: cur }, {
        paddings: [[0, 0], [Math.max(t, 0), Math.max(b, 0)], [Math.max(l, 0), Math.max(r, 0)], [0, 0]],
        constantValue: 0,
      });
      if (cur !== x) this.free(cur);
      cur = padded;
    }
    return cur;
  }
}
