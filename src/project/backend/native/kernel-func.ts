import * as tf from '@tensorflow/tfjs-core';

/**
 * A differentiable op whose gradient is one lazy function per input, through the engine's
 * `runKernelFunc` (what `tf.customGrad` uses, minus its eager gradients). tfjs only calls the
 * gradient functions of inputs on the path to the variables, so e.g. the first conv's input
 * gradient (the image's) is never computed.
 */
export type LazyGrads = Record<string, () => tf.Tensor>;

interface KernelFuncEngine {
  runKernelFunc(args: {
    forwardFunc: (backend: tf.KernelBackend, save: (ts: tf.Tensor[]) => void) => tf.Tensor;
    backwardsFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => LazyGrads;
    inputs: Record<string, tf.Tensor>;
  }): tf.Tensor;
}

export function runWithLazyGrads<T extends tf.Tensor>(
  inputs: Record<string, tf.Tensor>,
  forward: (save: (ts: tf.Tensor[]) => void) => T,
  backward: (dy: tf.Tensor, saved: tf.Tensor[]) => LazyGrads,
): T {
  const engine = tf.engine() as unknown as KernelFuncEngine;
  return engine.runKernelFunc({ forwardFunc: (_b, save) => forward(save), backwardsFunc: backward, inputs }) as T;
}
