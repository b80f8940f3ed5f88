import * as tf from '@tensorflow/tfjs-core';
import { trainKernels } from '../backend/train-kernels';

/**
 * Gradient accumulation over micro-batches: adds each gradient into `acc` (keyed by `keyOf(variable name)`)
 * and takes ownership of `grads` (each is kept or disposed). The first gradient of a key is kept as is; later
 * ones are added in place on the native engine (one call per parameter: a tfjs add per parameter cost
 * 5 ms per yolov8n step in bookkeeping), with tf.add elsewhere.
 */
export function accumulateGrads(acc: Map<string, tf.Tensor>, grads: tf.NamedTensorMap, keyOf: (variableName: string) => string): void {
  for (const [vn, g] of Object.entries(grads)) {
    const k = keyOf(vn);
    const prev = acc.get(k);
    if (!prev) {
      acc.set(k, g);
      continue;
    }
    if (!trainKernels().addInPlace(prev, g)) {
      acc.set(k, tf.add(prev, g));
      prev.dispose();
    }
    g.dispose();
  }
}
