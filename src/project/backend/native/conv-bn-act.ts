import * as tf from '@tensorflow/tfjs-core';
import type { ConvBnAct } from '../ops';
import { convBnActEval } from './conv-bn-act-eval';
import { convBnActTrain } from './conv-bn-act-train';

/**
 * Conv + BatchNorm + SiLU on oneDNN: the native backend's `convBnAct` (ops.ts), with the semantics of
 * `referenceOps.convBnAct`, running-statistics update included. Training (conv-bn-act-train.ts): oneDNN
 * conv, one fused BN+SiLU pass with batch statistics, and the fused gradient. Inference
 * (conv-bn-act-eval.ts): BN folded into the kernel and a bias, one conv with SiLU as a post-op. A list
 * input is concatenated once in native code (input-parts.ts).
 */
export function convBnActNative(x: tf.Tensor4D | tf.Tensor4D[], p: ConvBnAct, training: boolean): tf.Tensor4D {
  const xs = Array.isArray(x) ? x : [x];
  return training ? convBnActTrain(xs, p) : convBnActEval(xs, p);
}
