/**
 * Optimization answer 5: the derivative of an argmin needs only the solution. The inner problem
 * z + e^z = θ (the optimality condition of g(z,θ) = z²/2 + e^z − θz) is solved by bisection, which has no
 * derivative to backpropagate through; the implicit function theorem gives
 * z*'(θ) = −[∇²_zz g]⁻¹ ∇²_zθ g = 1/(1 + e^{z*}), checked against a finite difference of the solver.
 */

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
