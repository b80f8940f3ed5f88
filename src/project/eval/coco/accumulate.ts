/**
 * pycocotools' COCOeval.accumulate(): per (category, area range, maxDets), the evaluated detections of all
 * images are ordered by score (stable: ties keep image order, then rank), tp/fp are summed cumulatively, and
 * precision is read at the 101 recall thresholds from the right-to-left precision envelope with
 * searchsorted(rc, recThrs, side='left'). -1 stays where the setting has no non-ignored GT.
 *
 * One sort per category serves every area range and maxDets: each maxDets subset keeps its relative order in the
 * full stable order, because it is a per-image prefix of the same concatenation.
 */
import { EvalImgs } from './eval-imgs';
import { CocoEvalParams } from './params';
import { stableSortDesc } from './stablesort';

/** numpy's np.spacing(1): the float64 epsilon pycocotools adds to the precision denominator. */
export const NP_SPACING_1 = 2.220446049250313e-16;

export interface Float64Nd {
  data: Float64Array;
  shape: number[];
}

export interface Accumulated {
  precision: Float64Nd; // [T, R, K, A, M]
  recall: Float64Nd; // [T, K, A, M]
}

/**
 * Per (category, area range), the rows with any tp or fp bit are compacted in score order once and shared by the
 * maxDets settings. A row with neither bit set at threshold t (ignored) repeats the previous rc and pr, so it
 * changes neither the envelope nor the searchsorted result: skipping it is exact and halves the work.
 */
export function accumulateEval(ev: EvalImgs, params: CocoEvalParams): Accumulated {
  const { K, A, T } = ev;
  const R = params.recThrs.length;
  const M = params.maxDets.length;
  const recThrs = params.recThrs;
  const maxDets = params.maxDets;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const rank = ev.rank;
  const tpBits = ev.tp;
  const fpBits = ev.fp;
  let maxN = 0;
  for (let k = 0; k < K; k++) maxN = Math.max(maxN, ev.catStart[k + 1] - ev.catStart[k]);
  const sorted = new Int32Array(maxN);
  const tmp = new Int32Array(maxN);
  const cRank = new Int32Array(maxN); // compacted rows: rank, tp bits, fp bits
  const cTp = new Uint32Array(maxN);
  const cFp = new Uint32Array(maxN);
  const rc = new Float64Array(M * maxN); // [M, maxN]
  const pr = new Float64Array(M * maxN); // [M, maxN]
  const tpc = new Float64Array(M);
  const fpc = new Float64Array(M);
  const lens = new Int32Array(M);

  for (let k = 0; k < K; k++) {
    const s0 = ev.catStart[k];
    const n = ev.catStart[k + 1] - s0;
    for (let i = 0; i < n; i++) sorted[i] = s0 + i;
    stableSortDesc(sorted, n, ev.score, tmp);
    for (let a = 0; a < A; a++) {
      const npig = ev.npig[k * A + a];
      if (npig === 0) continue;
      let nc = 0;
      for (let i = 0; i < n; i++) {
        const row = sorted[i];
        const tb = tpBits[row * A + a];
        const fb = fpBits[row * A + a];
        if ((tb | fb) === 0) continue;
        cRank[nc] = rank[row];
        cTp[nc] = tb;
        cFp[nc++] = fb;
      }
      // One pass per threshold feeds every maxDets setting: maxDets ascend, so a row of rank r belongs to the
      // settings m >= the first with r < maxDets[m].
      for (let t = 0; t < T; t++) {
        tpc.fill(0);
        fpc.fill(0);
        lens.fill(0);
        for (let i = 0; i < nc; i++) {
          const tbit = (cTp[i] >>> t) & 1;
          const fbit = (cFp[i] >>> t) & 1;
          if ((tbit | fbit) === 0) continue;
          const r = cRank[i];
          for (let m = M - 1; m >= 0 && r < maxDets[m]; m--) {
            const tp = (tpc[m] += tbit);
            const fp = (fpc[m] += fbit);
            const at = m * maxN + lens[m]++;
            rc[at] = tp / npig;
            pr[at] = tp / (fp + tp + NP_SPACING_1);
          }
        }
        for (let m = 0; m < M; m++) {
          const o = m * maxN;
          const len = lens[m];
          recall[((t * K + k) * A + a) * M + m] = len ? rc[o + len - 1] : 0;
          for (let i = o + len - 1; i > o; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
          let p = 0;
          for (let r = 0; r < R; r++) {
            const thr = recThrs[r];
            while (p < len && rc[o + p] < thr) p++;
            // Past the last detection pycocotools' loop hits IndexError and leaves the rest at 0.
            precision[(((t * R + r) * K + k) * A + a) * M + m] = p < len ? pr[o + p] : 0;
          }
        }
      }
    }
  }
  return { precision: { data: precision, shape: [T, R, K, A, M] }, recall: { data: recall, shape: [T, K, A, M] } };
}
