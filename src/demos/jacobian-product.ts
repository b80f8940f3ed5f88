import * as tf from '@tensorflow/tfjs-core';
import { ScalarGrad, autodiffScalar } from './gan-saturation';
import { gaussian, mulberry32 } from '../project/random';

/**
 * Optimization answer 6.3: the backpropagated gradient is a product of Jacobians, ~c^L in the depth L.
 * Each chain's derivative is measured (backpropagation by hand for the orthogonal chain, TF.js autodiff
 * for the scalar chains) and compared with the product the chain rule predicts.
 */

/** Random orthogonal n×n matrix (Gram–Schmidt on a Gaussian matrix), rows as Float64Arrays. */
export function randomOrthogonal(n: number, rand: () => number): Float64Array[] {
  const normal = gaussian(rand);
  const q: Float64Array[] = [];
  while (q.length < n) {
    const v = Float64Array.from({ length: n }, normal);
    for (const u of q) {
      const d = u.reduce((s, x, i) => s + x * v[i], 0);
      for (let i = 0; i < n; i++) v[i] -= d * u[i];
    }
    const nv = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    if (nv < 1e-8) continue;
    q.push(v.map((x) => x / nv));
  }
  return q;
}

export interface ChainResult {
  c: number;
  depth: number;
  /** ‖J_1ᵀ⋯J_Lᵀ v‖ / ‖v‖ measured through L layers x ↦ c·Q_l x. */
  measured: number;
  /** c^L. */
  predicted: number;
}

/** Backpropagates a random unit vector through `depth` layers with Jacobians c·Q_l (Q_l orthogonal). */
export function orthogonalChain(c: number, depth: number, n = 16, seed = 0): ChainResult {
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  let v = Float64Array.from({ length: n }, normal);
  const n0 = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  v = v.map((x) => x / n0);
  for (let l = 0; l < depth; l++) {
    const Q = randomOrthogonal(n, rand);
    const next = new Float64Array(n);
    // Jᵀv = c·Qᵀv
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) next[k] += c * Q[i][k] * v[i];
    v = next;
  }
  return { c, depth, measured: Math.sqrt(v.reduce((s, x) => s + x * x, 0)), predicted: c ** depth };
}

export interface ScalarChain {
  depth: number;
  /** d x_L / d x_0 by TF.js autodiff through the whole chain (float32). */
  measured: number;
  /** The chain rule's product ∏ w·σ'(z_l) over the forward pass (float64). */
  predicted: number;
  /** (|w|/4)^L: the most a chain with σ' ≤ ¼ can pass on. */
  bound: number;
}

/** Scalar sigmoid chain x_{l+1} = σ(w x_l) from x_0; `grad` is injectable so a test can break autodiff. */
export function sigmoidChain(w: number, depth: number, x0 = 0, grad: ScalarGrad = autodiffScalar): ScalarChain {
  let x = x0;
  let predicted = 1;
  for (let l = 0; l < depth; l++) {
    const s = 1 / (1 + Math.exp(-w * x));
    predicted *= w * s * (1 - s);
    x = s;
  }
  const chain = (a: tf.Tensor): tf.Tensor => {
    let h = a;
    for (let l = 0; l < depth; l++) h = tf.sigmoid(tf.mul(w, h));
    return h;
  };
  return { depth, measured: grad(chain, x0), predicted, bound: (Math.abs(w) / 4) ** depth };
}

/** Linear chain x_{l+1} = c·x_l: autodiff's d x_L / d x_0 against c^L (the exploding example, c = 2). */
export function linearChain(c: number, depth: number, grad: ScalarGrad = autodiffScalar): { depth: number; measured: number; predicted: number } {
  const chain = (a: tf.Tensor): tf.Tensor => {
    let h = a;
    for (let l = 0; l < depth; l++) h = tf.mul(c, h);
    return h;
  };
  return { depth, measured: grad(chain, 1), predicted: c ** depth };
}
