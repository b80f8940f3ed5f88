import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../backend/ops';

ensureGradientsRegistered(); // tfjs-core alone registers no gradients

/**
 * Rows `rows` (distinct) of a [N, C] tensor -> [F, C]. tfjs differentiates gather through
 * unsortedSegmentSum, a kernel the wasm backend lacks; with distinct rows the gradient is a plain
 * scatter, which every backend has.
 */
export function gatherRows(x: tf.Tensor2D, rows: Int32Array): tf.Tensor2D {
  const [n, c] = x.shape;
  const fn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const value = tf.tidy(() => tf.gather(args[0] as tf.Tensor, tf.tensor1d(rows, 'int32'), 0));
    return {
      value,
      gradFunc: (dy: tf.Tensor) => tf.tidy(() => tf.scatterND(tf.tensor2d(rows, [rows.length, 1], 'int32'), dy, [n, c])),
    };
  });
  return fn(x) as tf.Tensor2D;
}
