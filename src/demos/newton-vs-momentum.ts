import * as tf from '@tensorflow/tfjs-core';
import { HessianFn, TfObjective, autodiffHessian, gradientOf, solveLinear } from './hessian';

/**
 * Optimization answer 4.6: iterations to reach f ≤ tol·f0 on the quadratic ravine f = ½(a·x² + b·y²)
 * (curvatures a, b; condition number κ = max/min), for Newton, heavy-ball momentum and GD.
 * Newton's step θ ← θ − H⁻¹∇f takes ∇f and H from autodiff of f (H as the gradient of the gradient)
 * and solves H·Δ = ∇f, so "one step" is measured, not built into the update.
 */

export interface Ravine {
  a: number;
  b: number;
  start: [number, number];
}

export const HOMEWORK_RAVINE: Ravine = { a: 1, b: 100, start: [1, 1] };

const f = (r: Ravine, x: number, y: number): number => 0.5 * (r.a * x * x + r.b * y * y);

/** Heavy ball (PyTorch SGD momentum): v ← βv + ∇f, θ ← θ − ηv. β = 0 is plain GD. */
export function heavyBallIterations(r: Ravine, lr: number, beta: number, tol = 1e-10, maxIter = 100_000): number {
  let [x, y] = r.start;
  let vx = 0;
  let vy = 0;
  const f0 = f(r, x, y);
  for (let k = 1; k <= maxIter; k++) {
    vx = beta * vx + r.a * x;
    vy = beta * vy + r.b * y;
    x -= lr * vx;
    y -= lr * vy;
    if (!Number.isFinite(x + y)) return Infinity;
    if (f(r, x, y) <= tol * f0) return k;
  }
  return Infinity;
}

/** The ravine as TF.js ops, for autodiff. */
export function ravineObjective(r: Ravine): TfObjective {
  return (t) => tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d([r.a, r.b]), tf.square(t))));
}

export interface NewtonOptions {
  /** The Hessian used for each step (default: autodiff); a test passes a wrong one to see the check fail. */
  hessian?: HessianFn;
  tol?: number;
  maxIter?: number;
}

/** Newton: θ ← θ − Δ with H(θ)·Δ = ∇f(θ), both from autodiff. */
export function newtonIterations(r: Ravine, opts: NewtonOptions = {}): number {
  const hessian = opts.hessian ?? autodiffHessian;
  const fn = ravineObjective(r);
  let theta = [...r.start];
  const f0 = f(r, theta[0], theta[1]);
  for (let k = 1; k <= (opts.maxIter ?? 100); k++) {
    const step = solveLinear(hessian(fn, theta), gradientOf(fn, theta));
    theta = theta.map((v, i) => v - step[i]);
    const fk = f(r, theta[0], theta[1]);
    if (!Number.isFinite(fk)) return Infinity;
    if (fk <= (opts.tol ?? 1e-10) * f0) return k;
  }
  return Infinity;
}

export interface RavineRace {
  kappa: number;
  /** The autodiff Hessian at the start (diag(a, b) when autodiff is right). */
  hessian: number[][];
  newton: number;
  momentumOptimal: { lr: number; beta: number; iterations: number };
  momentumTypical: { lr: number; beta: number; iterations: number };
  gdOptimal: { lr: number; iterations: number };
}

/** Newton vs heavy ball (optimal and lr 0.01 / β 0.9) vs GD with the optimal step 2/(L+μ). */
export function ravineRace(r: Ravine = HOMEWORK_RAVINE, tol = 1e-10, opts: Pick<NewtonOptions, 'hessian'> = {}): RavineRace {
  const L = Math.max(r.a, r.b);
  const mu = Math.min(r.a, r.b);
  // Polyak's optimal heavy-ball parameters for a quadratic with curvatures in [μ, L].
  const lr = 4 / (Math.sqrt(L) + Math.sqrt(mu)) ** 2;
  const beta = ((Math.sqrt(L) - Math.sqrt(mu)) / (Math.sqrt(L) + Math.sqrt(mu))) ** 2;
  const gdLr = 2 / (L + mu);
  return {
    kappa: L / mu,
    hessian: (opts.hessian ?? autodiffHessian)(ravineObjective(r), [...r.start]),
    newton: newtonIterations(r, { ...opts, tol }),
    momentumOptimal: { lr, beta, iterations: heavyBallIterations(r, lr, beta, tol) },
    momentumTypical: { lr: 0.01, beta: 0.9, iterations: heavyBallIterations(r, 0.01, 0.9, tol) },
    gdOptimal: { lr: gdLr, iterations: heavyBallIterations(r, gdLr, 0, tol) },
  };
}
