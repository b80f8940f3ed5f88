import { gaussian, mulberry32 } from './rng';

/** Optimization answer 6.3: the backpropagated gradient is a product of Jacobians, ~c^L in the depth L. */

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

/** Scalar sigmoid chain x_{l+1} = σ(w x_l): derivative ∏ w·σ'(z_l), bounded by (|w|/4)^L. */
export function sigmoidChain(w: number, depth: number, x0 = 0): { derivative: number; bound: number } {
  let x = x0;
  let d = 1;
  for (let l = 0; l < depth; l++) {
    const z = w * x;
    const s = 1 / (1 + Math.exp(-z));
    d *= w * s * (1 - s);
    x = s;
  }
  return { derivative: d, bound: (Math.abs(w) / 4) ** depth };
}
