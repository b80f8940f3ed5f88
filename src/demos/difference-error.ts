import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../project/backend/ops';
import { mulberry32 } from '../project/random';

/**
 * Backprop answers 2–3: how accurate a difference quotient can be. The forward difference
 * (f(x+δ) − f(x))/δ has truncation error ≈ |f''|δ/2 and round-off ≈ 2ε|f|/δ, so its best error, at
 * δ ≈ √ε, is of the order of √ε: about 1.5e-8 in float64 (ε = 2⁻⁵²) and 3.5e-4 in float32 (ε = 2⁻²³).
 */

export type Precision = 'float32' | 'float64';

export const EPSILON: Record<Precision, number> = { float32: 2 ** -23, float64: 2 ** -52 };

const round = (p: Precision): ((v: number) => number) => (p === 'float32' ? Math.fround : (v) => v);

export interface DeltaSweep {
  precision: Precision;
  sqrtEpsilon: number;
  /** The δ with the smallest worst-case relative error. */
  bestDelta: number;
  /** That error: max over the points x of |quotient − f'(x)| / |f'(x)|. */
  bestError: number;
}

/**
 * Forward differences of e^x at 100 points x ∈ [0.5, 1.5), every operation rounded to the precision,
 * for δ = 10^(−k/8), k = 4..120; reports the δ whose worst error over the points is smallest.
 */
export function forwardDifferenceSweep(precision: Precision): DeltaSweep {
  const r = round(precision);
  let bestError = Infinity;
  let bestDelta = 0;
  for (let k = 4; k <= 120; k++) {
    const d = r(10 ** (-k / 8));
    let worst = 0;
    for (let i = 0; i < 100; i++) {
      const x = r(0.5 + i / 100);
      const q = r(r(r(Math.exp(r(x + d))) - r(Math.exp(x))) / d);
      worst = Math.max(worst, Math.abs(q - Math.exp(x)) / Math.exp(x));
    }
    if (worst < bestError) {
      bestError = worst;
      bestDelta = d;
    }
  }
  return { precision, sqrtEpsilon: Math.sqrt(EPSILON[precision]), bestDelta, bestError };
}

/**
 * The homework's check in float64, as PyTorch runs it: L = mean(X·W + b) with X, W, b ~ U[0,1), central
 * differences with δ = 1e-6, against the closed form ∂L/∂W[i,j] = mean_n X[n,i]/d, ∂L/∂b[j] = 1/d.
 * L is linear, so the only error left is round-off, ≈ ε|L|/δ.
 */
export function float64GradientError(seed = 0, n = 100, d = 5, delta = 1e-6): { loss: number; maxAbsErr: number } {
  const rand = mulberry32(seed);
  const X = Float64Array.from({ length: n * d }, rand);
  const W = Float64Array.from({ length: d * d }, rand);
  const b = Float64Array.from({ length: d }, rand);
  const foo = (w: Float64Array, bb: Float64Array): number => {
    let s = 0;
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < d; j++) {
        let y = bb[j];
        for (let i = 0; i < d; i++) y += X[r * d + i] * w[i * d + j];
        s += y;
      }
    }
    return s / (n * d);
  };
  const central = (v: Float64Array, k: number, f: (u: Float64Array) => number): number => {
    const plus = v.slice();
    const minus = v.slice();
    plus[k] += delta;
    minus[k] -= delta;
    return (f(plus) - f(minus)) / (2 * delta);
  };
  let maxAbsErr = 0;
  for (let i = 0; i < d; i++) {
    let colMean = 0;
    for (let r = 0; r < n; r++) colMean += X[r * d + i];
    colMean /= n;
    for (let j = 0; j < d; j++) maxAbsErr = Math.max(maxAbsErr, Math.abs(central(W, i * d + j, (w) => foo(w, b)) - colMean / d));
  }
  for (let j = 0; j < d; j++) maxAbsErr = Math.max(maxAbsErr, Math.abs(central(b, j, (bb) => foo(W, bb)) - 1 / d));
  return { loss: foo(W, b), maxAbsErr };
}

/** A type alias (not an interface) so it can go straight into a table row. */
export type KinkQuotients = {
  /** (relu(δ) − relu(0))/δ: the right-hand derivative. */
  forward: number;
  /** (relu(0) − relu(−δ))/δ: the left-hand derivative. */
  backward: number;
  /** (relu(δ) − relu(−δ))/2δ: their average. */
  central: number;
  /** tf.grad(tf.relu) at 0: the subgradient TF.js picks. */
  autodiff: number;
}

/** Backprop answer 2.2: the difference quotients of ReLU at its kink, against autodiff. */
export function reluKinkQuotients(delta = 1e-3): KinkQuotients {
  ensureGradientsRegistered();
  const relu = (x: number): number => Math.max(x, 0);
  return {
    forward: (relu(delta) - relu(0)) / delta,
    backward: (relu(0) - relu(-delta)) / delta,
    central: (relu(delta) - relu(-delta)) / (2 * delta),
    autodiff: tf.tidy(() => tf.grad((x: tf.Tensor) => tf.relu(x))(tf.scalar(0)).dataSync()[0]),
  };
}
