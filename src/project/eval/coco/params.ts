/**
 * pycocotools' default bbox parameters. The thresholds must be numpy's float64 linspace values bit for bit:
 * the matcher compares IoU >= t and summarize() looks t up by equality (0.5, 0.75), so `0.5 + 7 * 0.05`
 * (0.8500000000000001) instead of numpy's 0.85 would change results.
 */

/** numpy.linspace(start, stop, num, endpoint=True) in float64: start + i*step, step = (stop-start)/(num-1), last = stop. */
export function numpyLinspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

export interface CocoEvalParams {
  iouThrs: Float64Array; // [T]
  recThrs: Float64Array; // [R]
  /** [lo, hi] inclusive on both ends, as pycocotools compares `area < lo or area > hi`. */
  areaRng: ReadonlyArray<readonly [number, number]>; // [A]
  areaRngLbl: readonly string[]; // [A]
  /** Sorted ascending; the last one is the per-(image, category) cap used by evaluate. */
  maxDets: readonly number[]; // [M]
}

export function defaultParams(): CocoEvalParams {
  return {
    iouThrs: numpyLinspace(0.5, 0.95, 10),
    recThrs: numpyLinspace(0.0, 1.0, 101),
    areaRng: [
      [0, 1e10],
      [0, 32 ** 2],
      [32 ** 2, 96 ** 2],
      [96 ** 2, 1e10],
    ],
    areaRngLbl: ['all', 'small', 'medium', 'large'],
    maxDets: [1, 10, 100],
  };
}
