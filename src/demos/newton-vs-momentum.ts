/**
 * Optimization answer 4.6: iterations to reach f ≤ tol·f0 on the quadratic ravine f = ½(a·x² + b·y²)
 * (curvatures a, b; condition number κ = max/min), for Newton, heavy-ball momentum and GD.
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

/** Newton: θ ← θ − H⁻¹∇f; on a quadratic H⁻¹∇f = θ, so one step lands on the minimum. */
export function newtonIterations(r: Ravine, tol = 1e-10, maxIter = 100): number {
  let [x, y] = r.start;
  const f0 = f(r, x, y);
  for (let k = 1; k <= maxIter; k++) {
    x -= (r.a * x) / r.a;
    y -= (r.b * y) / r.b;
    if (f(r, x, y) <= tol * f0) return k;
  }
  return Infinity;
}

export interface RavineRace {
  kappa: number;
  newton: number;
  momentumOptimal: { lr: number; beta: number; iterations: number };
  momentumTypical: { lr: number; beta: number; iterations: number };
  gdOptimal: { lr: number; iterations: number };
}

/** Newton vs heavy ball (optimal and lr 0.01 / β 0.9) vs GD with the optimal step 2/(L+μ). */
export function ravineRace(r: Ravine = HOMEWORK_RAVINE, tol = 1e-10): RavineRace {
  const L = Math.max(r.a, r.b);
  const mu = Math.min(r.a, r.b);
  // Polyak's optimal heavy-ball parameters for a quadratic with curvatures in [μ, L].
  const lr = 4 / (Math.sqrt(L) + Math.sqrt(mu)) ** 2;
  const beta = ((Math.sqrt(L) - Math.sqrt(mu)) / (Math.sqrt(L) + Math.sqrt(mu))) ** 2;
  const gdLr = 2 / (L + mu);
  return {
    kappa: L / mu,
    newton: newtonIterations(r, tol),
    momentumOptimal: { lr, beta, iterations: heavyBallIterations(r, lr, beta, tol) },
    momentumTypical: { lr: 0.01, beta: 0.9, iterations: heavyBallIterations(r, 0.01, 0.9, tol) },
    gdOptimal: { lr: gdLr, iterations: heavyBallIterations(r, gdLr, 0, tol) },
  };
}
