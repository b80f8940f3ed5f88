import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../project/backend/ops';

/**
 * Second derivatives by automatic differentiation: H_ij = ∂(∂f/∂θ_j)/∂θ_i, the gradient of each
 * component of the gradient (TF.js records the backward pass on the tape, so tf.grad nests).
 * Newton's step then solves H·Δ = ∇f instead of assuming H⁻¹ is known.
 */

/** A scalar function of a parameter vector, written with TF.js ops so autodiff can see it. */
export type TfObjective = (theta: tf.Tensor) => tf.Tensor;

export type HessianFn = (f: TfObjective, theta: number[]) => number[][];

export function gradientOf(f: TfObjective, theta: number[]): number[] {
  ensureGradientsRegistered();
  return tf.tidy(() => Array.from(tf.grad(f)(tf.tensor1d(theta)).dataSync()));
}

/** Row i is the gradient of ∂f/∂θ_i: autodiff applied to autodiff's own output. */
export function autodiffHessian(f: TfObjective, theta: number[]): number[][] {
  ensureGradientsRegistered();
  return tf.tidy(() => {
    const g = tf.grad(f);
    const x = tf.tensor1d(theta);
    return theta.map((_, i) => Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.gather(g(t), [i])))(x).dataSync()));
  });
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (float64); throws on a singular A. */
export function solveLinear(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) < 1e-300) throw new Error('solveLinear: the matrix is singular');
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const k = m[r][c] / m[c][c];
      for (let j = c; j <= n; j++) m[r][j] -= k * m[c][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let j = r + 1; j < n; j++) s -= m[r][j] * x[j];
    x[r] = s / m[r][r];
  }
  return x;
}
