import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../project/backend/ops';

/**
 * GAN answer 3.4: with D = σ(a), the generator's gradient with respect to D's logit a is
 *   saturating (minimax) loss   log(1 − σ(a)):  ∂/∂a = −σ(a) = −D,
 *   non-saturating loss         −log σ(a):      ∂/∂a = −(1 − σ(a)) = −(1 − D).
 * Both losses are differentiated by TF.js autodiff; the closed forms sit beside them for comparison.
 */

/** d/da of a scalar function at a point. */
export type ScalarGrad = (f: (a: tf.Tensor) => tf.Tensor, a: number) => number;

export const autodiffScalar: ScalarGrad = (f, a) => {
  ensureGradientsRegistered();
  return tf.tidy(() => tf.grad(f)(tf.scalar(a)).dataSync()[0]);
};

/** The generator's two losses as functions of D's logit. */
export const saturatingLoss = (a: tf.Tensor): tf.Tensor => tf.log(tf.sub(1, tf.sigmoid(a)));
export const nonSaturatingLoss = (a: tf.Tensor): tf.Tensor => tf.neg(tf.log(tf.sigmoid(a)));

export interface GanGradients {
  /** D(G(z)). */
  d: number;
  /** σ⁻¹(d). */
  logit: number;
  /** Autodiff of log(1 − D) with respect to the logit. */
  saturating: number;
  /** Autodiff of −log D with respect to the logit. */
  nonSaturating: number;
  closedForm: { saturating: number; nonSaturating: number };
}

/** `grad` is injectable so a test can break autodiff and see the check fail. */
export function ganGeneratorGradients(d: number, grad: ScalarGrad = autodiffScalar): GanGradients {
  if (!(d > 0 && d < 1)) throw new Error(`D(G(z)) must lie in (0, 1), got ${d}`);
  const logit = Math.log(d / (1 - d));
  return {
    d,
    logit,
    saturating: grad(saturatingLoss, logit),
    nonSaturating: grad(nonSaturatingLoss, logit),
    closedForm: { saturating: -d, nonSaturating: -(1 - d) },
  };
}

/** D's BCE loss −log D(x) − log(1 − D(G(z))) on one real and one fake sample (GAN answer 3.1 at D ≡ ½). */
export function discriminatorLoss(dReal: number, dFake: number): number {
  return tf.tidy(() => tf.add(tf.neg(tf.log(tf.scalar(dReal))), tf.neg(tf.log(tf.sub(1, tf.scalar(dFake))))).dataSync()[0]);
}
