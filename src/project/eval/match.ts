/**
 * Which predictions are true positives at each IoU threshold, as ultralytics' `match_predictions` decides
 * (8.0.200, the non-scipy path).
 *
 * For each threshold t: the (label, prediction) pairs of the same class with IoU >= t are sorted by IoU
 * (descending; numpy's reversed argsort puts the later pair first among equal IoUs); each prediction keeps its
 * best pair; then each label keeps the pair of its lowest-index prediction (numpy.unique's first occurrence on
 * a list ordered by prediction index, not by IoU). Those predictions are correct at t.
 */

import { boxIouAt } from './boxes';

const f = Math.fround;

/**
 * ultralytics' `torch.linspace(0.5, 0.95, 10)`: float32 values made the way torch's CPU kernel makes them
 * (start + step*i for the first half, end - step*(n-1-i) for the second).
 */
export function iouThresholdsF32(start = 0.5, end = 0.95, steps = 10): Float32Array {
  const s = f(start), e = f(end);
  const step = f(f(e - s) / (steps - 1));
  const half = Math.floor(steps / 2);
  const out = new Float32Array(steps);
  for (let i = 0; i < steps; i++) out[i] = i < half ? f(s + f(step * i)) : f(e - f(step * (steps - i - 1)));
  return out;
}

export const IOU_THRESHOLDS = iouThresholdsF32();

/**
 * `correct` [np, nt] (row-major, 1 = true positive) for one image. Labels and predictions are xyxy in the same
 * frame. `iouv` are the thresholds (default mAP50-95's ten).
 */
export function matchPredictions(
  predBoxes: ArrayLike<number>, predClasses: ArrayLike<number>,
  labelBoxes: ArrayLike<number>, labelClasses: ArrayLike<number>,
  iouv: ArrayLike<number> = IOU_THRESHOLDS,
): Uint8Array {
  const np = predClasses.length, nl = labelClasses.length, nt = iouv.length;
  const correct = new Uint8Array(np * nt);
  if (np === 0 || nl === 0) return correct;

  // Same-class pairs with IoU > 0, in numpy.nonzero's row-major (label, prediction) order.
  const pl: number[] = [], pp: number[] = [], piou: number[] = [];
  for (let l = 0; l < nl; l++) {
    for (let p = 0; p < np; p++) {
      if (labelClasses[l] !== predClasses[p]) continue;
      const iou = boxIouAt(labelBoxes, l, predBoxes, p);
      if (iou > 0) { pl.push(l); pp.push(p); piou.push(iou); }
    }
  }
  const nPairs = pl.length;
  if (nPairs === 0) return correct;
  // Pairs by IoU descending; among equal IoUs the later pair first (numpy's argsort()[::-1] on a stable order).
  const byIou = new Int32Array(nPairs);
  for (let k = 0; k < nPairs; k++) byIou[k] = k;
  byIou.sort((a, b) => (piou[b] - piou[a]) || (b - a));

  const bestPair = new Int32Array(np);
  const labelTaken = new Uint8Array(nl);
  for (let t = 0; t < nt; t++) {
    const thr = iouv[t];
    // Step 1: each prediction's best pair above the threshold (first in IoU order).
    bestPair.fill(-1);
    let count = 0;
    for (let r = 0; r < nPairs; r++) {
      const k = byIou[r];
      if (!(piou[k] >= thr)) break; // sorted: the rest are below
      if (bestPair[pp[k]] === -1) { bestPair[pp[k]] = k; count++; }
    }
    if (count === 0) continue;
    if (count === 1) {
      for (let p = 0; p < np; p++) if (bestPair[p] !== -1) correct[p * nt + t] = 1;
      continue;
    }
    // Step 2: in prediction order, each label goes to the first prediction that chose it.
    labelTaken.fill(0);
    for (let p = 0; p < np; p++) {
      const k = bestPair[p];
      if (k === -1 || labelTaken[pl[k]]) continue;
      labelTaken[pl[k]] = 1;
      correct[p * nt + t] = 1;
    }
  }
  return correct;
}
