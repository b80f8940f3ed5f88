/**
 * |actual − expected| ≤ tol. The checks compare every number an answer quotes with the demo's
 * measurement this way: tol is half a unit in the last digit quoted, unless the comment says otherwise.
 */
export function near(actual: number, expected: number, tol: number): boolean {
  return Math.abs(actual - expected) <= tol;
}
