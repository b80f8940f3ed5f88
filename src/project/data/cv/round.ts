/**
 * The two roundings that decide pixels in OpenCV and ultralytics:
 * - `cvRound` (OpenCV's `saturate_cast<int>(float|double)`): the FPU's round-to-nearest-even (SSE cvtss2si).
 * - `pyRound` (Python 3's built-in `round(x)`): also half to even, on the exact binary value of x, so
 *   `round(190.5) == 190` and `round(2.675)` follows 2.67499999...; JavaScript's Math.round rounds half up.
 * Both are the same function on doubles; they keep two names so call sites say whose rounding they copy.
 */

/** Nearest integer, ties to even (x - floor(x) is exact for |x| < 2^52, so the tie test is exact). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export const cvRound = roundHalfEven;
export const pyRound = roundHalfEven;

/** `saturate_cast<uchar>(float)`: round half to even, then clamp to 0..255. */
export function saturateU8(x: number): number {
  const r = roundHalfEven(x);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}
