/**
 * Closed-form evidence for answers that rest on one number each: implicit differentiation
 * (optimization 5), the ELBO gap (VAE 2.3), the saturating GAN loss (GAN 3.4), dropout order (dropout 2).
 */
import { gaussian, mulberry32 } from './rng';

/** Solves z + e^z = θ by bisection (no derivatives anywhere). */
export function solveByBisection(theta: number, tol = 1e-13): number {
  let lo = theta - 1 - Math.abs(theta); // z + e^z is increasing; bracket the root
  let hi = theta;
  while (lo + Math.exp(lo) > theta) lo -= Math.abs(lo) + 1;
  while (hi - lo > tol) {
    const mid = 0.5 * (lo + hi);
    if (mid + Math.exp(mid) > theta) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

export interface ImplicitDiff {
  theta: number;
  zStar: number;
  /** −[∇²_zz g]⁻¹ ∇²_zθ g = 1/(1+e^{z*}). */
  implicit: number;
  /** Central finite difference of the bisection solver. */
  finiteDifference: number;
}

export function implicitDiff(theta = 2, h = 1e-5): ImplicitDiff {
  const zStar = solveByBisection(theta);
  return {
    theta,
    zStar,
    implicit: 1 / (1 + Math.exp(zStar)),
    finiteDifference: (solveByBisection(theta + h) - solveByBisection(theta - h)) / (2 * h),
  };
}

/**
 * 1-D linear-Gaussian VAE: p(z) = N(0,1), p(x|z) = N(z, s²). Then p(x) = N(0, 1+s²) and the posterior
 * is N(x/(1+s²), s²/(1+s²)), so −log p(x) and −ELBO(q) are both computable.
 */
export function negLogEvidence(x: number, s2: number): number {
  const v = 1 + s2;
  return 0.5 * Math.log(2 * Math.PI * v) + (x * x) / (2 * v);
}

/** −ELBO for q = N(m, v): E_q[−log p(x|z)] + KL(q ‖ N(0,1)). */
export function negElbo(x: number, s2: number, m: number, v: number): number {
  const recon = 0.5 * Math.log(2 * Math.PI * s2) + ((x - m) ** 2 + v) / (2 * s2);
  const kl = 0.5 * (v + m * m - 1 - Math.log(v));
  return recon + kl;
}

export function posterior(x: number, s2: number): { m: number; v: number } {
  return { m: x / (1 + s2), v: s2 / (1 + s2) };
}

/** The generator's gradient with respect to D's logit, for D = σ(a): saturating log(1−D) vs non-saturating −log D. */
export function ganGeneratorGradients(d: number): { saturating: number; nonSaturating: number } {
  return { saturating: -d, nonSaturating: -(1 - d) };
}

/** Mean of σ over x ~ N(mu, 1): without dropout, dropout after σ, dropout before σ (same masks). */
export function dropoutOrderSigmoid(p = 0.3, mu = 1, n = 1_000_000, seed = 0): { eval: number; after: number; before: number; reluMaxDiff: number } {
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const sig = (z: number): number => 1 / (1 + Math.exp(-z));
  const c = 1 / (1 - p);
  let ev = 0;
  let after = 0;
  let before = 0;
  let reluMaxDiff = 0;
  for (let i = 0; i < n; i++) {
    const x = mu + normal();
    const m = rand() < p ? 0 : 1;
    ev += sig(x);
    after += c * m * sig(x);
    before += sig(c * m * x);
    reluMaxDiff = Math.max(reluMaxDiff, Math.abs(Math.max(c * m * x, 0) - c * m * Math.max(x, 0)));
  }
  return { eval: ev / n, after: after / n, before: before / n, reluMaxDiff };
}
