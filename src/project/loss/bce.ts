import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../backend/ops';

ensureGradientsRegistered(); // tfjs-core alone registers no gradients

/**
 * Element-wise binary cross-entropy on logits, max(x, 0) - x*z + log(1 + exp(-|x|)) (stable for any x).
 * The gradient is given in closed form, sigmoid(x) - z: composing the gradients of relu and abs would be
 * wrong by 1/2 at x = 0 exactly.
 */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  const fn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([x, targets]);
    const value = tf.add(tf.sub(tf.relu(x), tf.mul(x, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sub(tf.sigmoid(saved[0]), saved[1])),
    };
  });
  return fn(logits);
}
