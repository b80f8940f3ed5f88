/**
 * pycocotools' COCOeval.evaluate() + evaluateImg() for bbox, per (image, category) pair:
 * detections sorted by score (stable, list order breaks ties) and capped at maxDets[-1]; the IoU block is computed
 * once per pair and reused for the 4 area ranges and 10 thresholds; greedy matching per threshold with GT ordered
 * non-ignored first, `iou < min(t, 1-1e-10)` to skip, stop on reaching ignored GT after a regular match, crowd GT
 * reusable; unmatched detections outside the area range are ignored.
 *
 * Output, per category, the evaluated detections in accumulate's concatenation order (image order, then score
 * rank), each with a tp and an fp bit per IoU threshold and area range; and the non-ignored GT count per
 * (category, area range). Only pairs with GT or detections are visited (pycocotools' `None` entries are skipped
 * by accumulate anyway).
 */
import { EvalImgs } from './eval-imgs';
import { groupByCatImage } from './group';
import { bboxIouBlock } from './iou';
import { PreparedEval } from './prepare';
import { sortByScoreStable } from './stablesort';

export type { EvalImgs } from './eval-imgs';

export function evaluatePrepared(prep: PreparedEval): EvalImgs {
  const { params, gt, dt } = prep;
  const I = prep.imgIds.length;
  const K = prep.catIds.length;
  const A = params.areaRng.length;
  const T = params.iouThrs.length;
  if (T > 32) throw new Error(`cocoeval: at most 32 IoU thresholds are supported (got ${T})`);
  const maxDet = params.maxDets[params.maxDets.length - 1];
  const thr = new Float64Array(T);
  for (let t = 0; t < T; t++) thr[t] = Math.min(params.iouThrs[t], 1 - 1e-10);
  let minThr = Infinity;
  for (let t = 0; t < T; t++) minThr = Math.min(minThr, thr[t]);
  const aLo = new Float64Array(A);
  const aHi = new Float64Array(A);
  params.areaRng.forEach((r, a) => {
    aLo[a] = r[0];
    aHi[a] = r[1];
  });

  const gOrd = groupByCatImage(gt.n, gt.img, gt.cat, I, K);
  const dOrd = groupByCatImage(dt.n, dt.img, dt.cat, I, K);

  // Upper bound on evaluated detections: all of them (the maxDet cap only removes).
  const cap = dt.n;
  const score = new Float64Array(cap);
  const rank = new Int32Array(cap);
  const tpBits = new Uint32Array(cap * A);
  const fpBits = new Uint32Array(cap * A);
  const npig = new Float64Array(K * A);
  const catStart = new Int32Array(K + 1);

  // Per-pair scratch, grown on demand.
  let dIdx = new Int32Array(64);
  let ious = new Float64Array(64);
  let gOrder = new Int32Array(64); // GT positions, non-ignored first
  let gIg = new Uint8Array(64); // ignore flag by original GT position
  let gTaken = new Uint8Array(64); // gtm != 0 by original GT position
  let mList = new Int32Array(64); // sorted positions of detections that can match
  let dOut = new Uint8Array(64); // detection w*h outside the current area range
  let gCrowd = new Uint8Array(64);
  let gIdNonzero = new Uint8Array(64);
  const allT = T === 32 ? 0xffffffff : (1 << T) - 1;

  let out = 0;
  let gp = 0;
  let dp = 0;
  const keyG = (j: number): number => gt.cat[gOrd[j]] * I + gt.img[gOrd[j]];
  const keyD = (j: number): number => dt.cat[dOrd[j]] * I + dt.img[dOrd[j]];
  while (gp < gt.n || dp < dt.n) {
    const kg = gp < gt.n ? keyG(gp) : Infinity;
    const kd = dp < dt.n ? keyD(dp) : Infinity;
    const key = Math.min(kg, kd);
    const k = Math.floor(key / I);
    let gEnd = gp;
    while (gEnd < gt.n && keyG(gEnd) === key) gEnd++;
    let dEnd = dp;
    while (dEnd < dt.n && keyD(dEnd) === key) dEnd++;
    const G = gEnd - gp;
    const D0 = dEnd - dp;

    if (D0 > dIdx.length) dIdx = new Int32Array(D0 * 2);
    for (let j = 0; j < D0; j++) dIdx[j] = dOrd[dp + j];
    sortByScoreStable(dIdx, D0, dt.score);
    const D = Math.min(D0, maxDet);
    if (G > gOrder.length) {
      gOrder = new Int32Array(G * 2);
      gIg = new Uint8Array(G * 2);
      gTaken = new Uint8Array(G * 2);
      gCrowd = new Uint8Array(G * 2);
      gIdNonzero = new Uint8Array(G * 2);
    }
    if (D > mList.length) {
      mList = new Int32Array(D * 2);
      dOut = new Uint8Array(D * 2);
    }
    // Only detections reaching the lowest threshold against some GT can match; the rest are unmatched at
    // every threshold, so their bits are set once per area range instead of per threshold.
    let nm = 0;
    if (G > 0 && D > 0) {
      if (D * G > ious.length) ious = new Float64Array(D * G * 2);
      bboxIouBlock(dt.box, dIdx, D, gt.box, gt.crowd, gOrd, gp, G, ious);
      for (let d = 0; d < D; d++) {
        for (let g = 0; g < G; g++) {
          if (ious[d * G + g] >= minThr) {
            mList[nm++] = d;
            break;
          }
        }
      }
    }
    for (let g = 0; g < G; g++) {
      const row = gOrd[gp + g];
      gCrowd[g] = gt.crowd[row];
      gIdNonzero[g] = gt.id[row] !== 0 ? 1 : 0;
    }
    for (let d = 0; d < D; d++) {
      score[out + d] = dt.score[dIdx[d]];
      rank[out + d] = d;
    }

    for (let a = 0; a < A; a++) {
      const lo = aLo[a];
      const hi = aHi[a];
      let nOrd = 0;
      for (let g = 0; g < G; g++) {
        const ar = gt.area[gOrd[gp + g]];
        const ig = gCrowd[g] !== 0 || ar < lo || ar > hi ? 1 : 0;
        gIg[g] = ig;
        if (!ig) gOrder[nOrd++] = g;
      }
      npig[k * A + a] += nOrd;
      for (let g = 0, j = nOrd; g < G; g++) if (gIg[g]) gOrder[j++] = g;

      // Unmatched: a false positive unless its w*h lies outside the range (then ignored).
      for (let d = 0; d < D; d++) {
        const da = dt.area[dIdx[d]];
        const e = (out + d) * A + a;
        dOut[d] = da < lo || da > hi ? 1 : 0;
        tpBits[e] = 0;
        fpBits[e] = dOut[d] ? 0 : allT;
      }
      for (let t = 0; t < T && nm > 0; t++) {
        const bit = 1 << t;
        for (let g = 0; g < G; g++) gTaken[g] = 0;
        for (let j = 0; j < nm; j++) {
          const d = mList[j];
          let m = -1; // original GT position of the best match so far
          let iou = thr[t];
          const row = d * G;
          for (let jj = 0; jj < G; jj++) {
            const g = gOrder[jj];
            if (gTaken[g] && !gCrowd[g]) continue;
            if (m > -1 && gIg[m] === 0 && gIg[g] === 1) break;
            const v = ious[row + g];
            if (v < iou) continue;
            iou = v;
            m = g;
          }
          if (m === -1) continue;
          gTaken[m] = 1;
          // A match to GT id 0 leaves dtMatches at 0, which pycocotools reads as unmatched.
          const matched = gIdNonzero[m];
          const dtIg = gIg[m] || (!matched && dOut[d]);
          const e = (out + d) * A + a;
          fpBits[e] &= ~bit;
          if (!dtIg) {
            if (matched) tpBits[e] |= bit;
            else fpBits[e] |= bit;
          }
        }
      }
    }
    out += D;
    catStart[k + 1] = out;
    gp = gEnd;
    dp = dEnd;
  }
  // Categories with no pair at all end where the previous one did.
  for (let k = 1; k <= K; k++) if (catStart[k] < catStart[k - 1]) catStart[k] = catStart[k - 1];
  return {
    K,
    A,
    T,
    catStart,
    score: score.subarray(0, out),
    rank: rank.subarray(0, out),
    tp: tpBits.subarray(0, out * A),
    fp: fpBits.subarray(0, out * A),
    npig,
  };
}
