import type { GtCandidates } from './gt-candidates';

/**
 * ultralytics 8.0.200 select_highest_overlaps (tal.py): an anchor picked by several gts of one image goes
 * to the gt with the highest overlap over all boxes of the image (argmax, first on ties), also when that
 * gt did not pick it; an anchor picked once keeps its gt.
 */

/**
 * The foreground anchors of one image, ascending, with `owner[a]` set to each one's gt. `picks[g]`: the
 * anchors gt g picked; `cand[g]`: its candidates; `count`, `owner`: [A] scratch.
 */
export function selectHighestOverlaps(picks: number[][], cand: GtCandidates[], count: Int32Array, owner: Int32Array): number[] {
  const nMax = picks.length;
  count.fill(0);
  for (let g = 0; g < nMax; g++) {
    for (const a of picks[g]) {
      count[a]++;
      owner[a] = g;
    }
  }
  const fgSet = Array.from(new Set(picks.flat())).sort((x, y) => x - y);
  for (const a of fgSet) {
    if (count[a] > 1) {
      let best = 0;
      let bestOv = -1;
      for (let g = 0; g < nMax; g++) {
        const ov = overlapOf(cand[g], a);
        if (ov > bestOv) {
          bestOv = ov;
          best = g;
        }
      }
      owner[a] = best;
    }
  }
  return fgSet;
}

// A gt's overlap / metric of anchor a, 0 when a is not one of its candidates (no tuple: this runs per
// foreground anchor and gt, and the loss's garbage is collected while the native threads need the cores).
export function overlapOf(c: GtCandidates, a: number): number {
  const k = binarySearch(c.idx, a);
  return k < 0 ? 0 : c.ov[k];
}

export function metricOf(c: GtCandidates, a: number): number {
  const k = binarySearch(c.idx, a);
  return k < 0 ? 0 : c.metric[k];
}

function binarySearch(arr: Int32Array, v: number): number {
  let lo = 0;
  let hi = arr.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] === v) return mid;
    if (arr[mid] < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
