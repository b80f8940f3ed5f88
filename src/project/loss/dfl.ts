import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../backend/ops';

ensureGradientsRegistered(); // tfjs-core alone registers no gradients

/**
 * Distribution focal loss (Li et al., GFL 2020). A continuous target distance t in bins is spread on
 * its two neighbour bins, floor(t) with weight floor(t)+1-t and floor(t)+1 with weight t-floor(t);
 * the loss is the cross-entropy of the predicted bin distribution against that two-bin target,
 * averaged over the 4 sides and weighted by the anchor's target score.
 */

const f = Math.fround;

/**
 * Dense target weights [F*4, regMax] for `dflLoss`: row (anchor i, side s) holds the two bin weights,
 * times anchorWeight[i] / 4 (the mean over sides). `ltrb` is [F, 4] clamped target distances.
 */
export function dflTargetWeights(ltrb: Float32Array, anchorWeight: Float32Array, regMax: number): Float32Array {
  const F = anchorWeight.length;
  const T = new Float32Array(F * 4 * regMax);
  for (let i = 0; i < F; i++) {
    const w = anchorWeight[i] / 4;
    for (let s = 0; s < 4; s++) {
      const t = ltrb[i * 4 + s];
      const tl = Math.floor(t);
      const wl = f(tl + 1 - t);
      const wr = f(1 - wl);
      const row = (i * 4 + s) * regMax;
      T[row + tl] += wl * w;
      if (tl + 1 < regMax) T[row + tl + 1] += wr * w;
    }
  }
  return T;
}

/** Sum over rows of the weighted cross-entropy: -sum(T * log_softmax(logits)). `logits` [F*4, regMax]. */
export function dflLoss(logits: tf.Tensor2D, targetWeights: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits, -1), targetWeights))) as tf.Scalar);
}
