import * as tf from '@tensorflow/tfjs-core';

/**
 * Zero-copy access to tensor memory on the `native` backend (a tfjs cpu backend): `dataSync` there
 * returns the backing Float32Array itself, and `tf.tensor` of a Float32Array adopts it. Callers never
 * write into an input's array.
 */
export function f32(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`native engine: expected a float32 tensor, got ${t.dtype}`);
  const d = t.dataSync();
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
}

export function adopt<R extends tf.Rank>(data: Float32Array, shape: number[]): tf.Tensor<R> {
  return tf.tensor(data, shape as tf.ShapeMap[R], 'float32') as tf.Tensor<R>;
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * A Float32Array for an output that native code overwrites completely: large ones skip the zero fill
 * (Buffer.allocUnsafe gives such sizes their own ArrayBuffer, offset 0), which was a memset of every
 * activation and gradient of the step. Small ones come from the zeroing constructor.
 */
export function uninit(n: number): Float32Array {
  if (n * 4 < 8192) return new Float32Array(n);
  const b = Buffer.allocUnsafe(n * 4);
  return new Float32Array(b.buffer, b.byteOffset, n);
}
