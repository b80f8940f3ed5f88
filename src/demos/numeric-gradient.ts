import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../project/backend/ops';
import { mulberry32 } from '../project/random';

/**
 * Backprop answer 3 in TF.js: numeric gradients of foo(W, b) = mean(X·W + b) against tf.grad.
 * TF.js computes in float32, which decides the finite-difference scheme and the tolerance.
 */

export interface AllcloseResult {
  ok: boolean;
  rtol: number;
  atol: number;
  /** max |a − b|. */
  maxAbsErr: number;
  /** max over entries of |a − b| − (atol + rtol·|b|): ≤ 0 means close. */
  worstMargin: number;
}

/** numpy/torch semantics: |a − b| ≤ atol + rtol·|b| element-wise (b is the reference). */
export function allclose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): AllcloseResult {
  if (a.length !== b.length) throw new Error(`allclose: lengths differ (${a.length} vs ${b.length})`);
  let maxAbsErr = 0;
  let worstMargin = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    maxAbsErr = Math.max(maxAbsErr, e);
    worstMargin = Math.max(worstMargin, e - (atol + rtol * Math.abs(b[i])));
  }
  return { ok: worstMargin <= 0 && Number.isFinite(maxAbsErr), rtol, atol, maxAbsErr, worstMargin };
}

export type Scheme = 'forward' | 'central';

export interface GradCheck {
  loss: number;
  numW: Float32Array;
  numB: Float32Array;
  autoW: Float32Array;
  autoB: Float32Array;
  /** Closed form: dL/dW[i,j] = mean_n X[n,i] / d, dL/db[j] = 1/d. */
  exactW: Float64Array;
  exactB: Float64Array;
  forwardPasses: number;
  parameters: number;
}

export interface GradCheckOptions {
  n?: number;
  d?: number;
  seed?: number;
  delta?: number;
  scheme?: Scheme;
}

/** X ~ U[0,1)^{N×d}, W ~ U[0,1)^{d×d}, b ~ U[0,1)^d, as torch.rand in the homework. */
export function gradientCheck(opts: GradCheckOptions = {}): GradCheck {
  ensureGradientsRegistered();
  const n = opts.n ?? 100;
  const d = opts.d ?? 5;
  const delta = opts.delta ?? 1e-2;
  const scheme = opts.scheme ?? 'central';
  const rand = mulberry32(opts.seed ?? 0);
  const xv = Float32Array.from({ length: n * d }, rand);
  const wv = Float32Array.from({ length: d * d }, rand);
  const bv = Float32Array.from({ length: d }, rand);
  const X = tf.tensor2d(xv, [n, d]);
  const foo = (W: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.mean(tf.add(tf.matMul(X, W as tf.Tensor2D), b));
  let passes = 0;
  const evalLoss = (w: Float32Array, b: Float32Array): number => {
    passes++;
    return tf.tidy(() => foo(tf.tensor2d(w, [d, d]), tf.tensor1d(b)).dataSync()[0]);
  };
  const loss = evalLoss(wv, bv);
  // One partial derivative: perturb a copy of one entry (the perturbed value is rounded to float32).
  const partial = (base: Float32Array, k: number, f: (v: Float32Array) => number): number => {
    const plus = base.slice();
    plus[k] += delta;
    if (scheme === 'forward') return (f(plus) - loss) / delta;
    const minus = base.slice();
    minus[k] -= delta;
    return (f(plus) - f(minus)) / (2 * delta);
  };
  const numW = Float32Array.from({ length: d * d }, (_, k) => partial(wv, k, (w) => evalLoss(w, bv)));
  const numB = Float32Array.from({ length: d }, (_, k) => partial(bv, k, (b) => evalLoss(wv, b)));
  const [gW, gB] = tf.tidy(() => tf.grads((W: tf.Tensor, b: tf.Tensor) => foo(W, b))([tf.tensor2d(wv, [d, d]), tf.tensor1d(bv)]).map((g) => g.dataSync() as Float32Array));
  X.dispose();
  const exactW = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    let colMean = 0;
    for (let r = 0; r < n; r++) colMean += xv[r * d + i];
    colMean /= n;
    for (let j = 0; j < d; j++) exactW[i * d + j] = colMean / d;
  }
  const exactB = new Float64Array(d).fill(1 / d);
  return { loss, numW, numB, autoW: gW, autoB: gB, exactW, exactB, forwardPasses: passes, parameters: d * d + d };
}

/** The check the notebook uses: central differences, δ = 1e-2, rtol 1e-3, atol 1e-4 (all float32-aware). */
export const FLOAT32_TOLERANCE = { rtol: 1e-3, atol: 1e-4 };

export function compareGradients(g: GradCheck, tol = FLOAT32_TOLERANCE): AllcloseResult {
  const num = [...g.numW, ...g.numB];
  const auto = [...g.autoW, ...g.autoB];
  return allclose(num, auto, tol.rtol, tol.atol);
}

/** A copy of autograd's gradient with one W entry made `factor` times too large (a planted bug to catch). */
export function corruptW(g: GradCheck, index: number, factor = 1.01): GradCheck {
  const autoW = g.autoW.slice();
  autoW[index] *= factor;
  return { ...g, autoW };
}

export interface ForwardDifferenceFloat32 {
  delta: number;
  seeds: number;
  /** Seed 0: the distinct quotients (multiples of the float32 spacing of L divided by δ). */
  seed0Quotients: number[];
  /** Seed 0: float32 spacing of L (2⁻²³ for 1 ≤ L < 2). */
  seed0Spacing: number;
  /** Seed 0, worst entry: the true gradient and the relative error there. */
  seed0Worst: { gradient: number; quotient: number; relErr: number };
  /** Over the seeds: the smallest and largest worst-entry relative error. */
  worstRelErr: [number, number];
}

/** float32 spacing (ulp) of a positive normal number. */
export function float32Spacing(x: number): number {
  return 2 ** (Math.floor(Math.log2(Math.abs(x))) - 23);
}

/**
 * The seed's forward difference with δ = 1e-6, run in float32: L changes by about g·δ ≈ 1e-7, less than
 * one float32 spacing of L, so every quotient is 0 or a multiple of spacing/δ, however large the gradient.
 */
export function forwardDifferenceFloat32(seeds = 100, delta = 1e-6): ForwardDifferenceFloat32 {
  let lo = Infinity;
  let hi = 0;
  let seed0: Pick<ForwardDifferenceFloat32, 'seed0Quotients' | 'seed0Spacing' | 'seed0Worst'> | undefined;
  for (let seed = 0; seed < seeds; seed++) {
    const g = gradientCheck({ scheme: 'forward', delta, seed });
    const num = [...g.numW, ...g.numB];
    const auto = [...g.autoW, ...g.autoB];
    let k = 0;
    const rel = num.map((v, i) => Math.abs(v - auto[i]) / Math.abs(auto[i]));
    rel.forEach((r, i) => (r > rel[k] ? (k = i) : 0));
    lo = Math.min(lo, rel[k]);
    hi = Math.max(hi, rel[k]);
    if (seed === 0) {
      seed0 = {
        seed0Quotients: [...new Set(num)].sort((a, b) => a - b),
        seed0Spacing: float32Spacing(g.loss),
        seed0Worst: { gradient: auto[k], quotient: num[k], relErr: rel[k] },
      };
    }
  }
  if (!seed0) throw new Error('forwardDifferenceFloat32: seeds must be ≥ 1');
  return { delta, seeds, ...seed0, worstRelErr: [lo, hi] };
}
