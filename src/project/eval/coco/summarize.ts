/**
 * pycocotools' COCOeval.summarize() for bbox: the 12 stats (mean of the entries > -1 of a precision or recall
 * slice, -1 when there is none) and the 12 text lines in pycocotools' format:
 * ' {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}'.
 */
import { Accumulated } from './accumulate';
import { numpyMean } from './npmean';
import { CocoEvalParams } from './params';
import { formatFixed3 } from './pyformat';

export interface Summary {
  stats: number[]; // [12]
  lines: string[]; // [12]
}

interface StatSpec {
  ap: boolean;
  iouThr?: number;
  areaRng: string;
  maxDets: number;
}

function statSpecs(p: CocoEvalParams): StatSpec[] {
  const md = p.maxDets;
  return [
    { ap: true, areaRng: 'all', maxDets: 100 },
    { ap: true, iouThr: 0.5, areaRng: 'all', maxDets: md[2] },
    { ap: true, iouThr: 0.75, areaRng: 'all', maxDets: md[2] },
    { ap: true, areaRng: 'small', maxDets: md[2] },
    { ap: true, areaRng: 'medium', maxDets: md[2] },
    { ap: true, areaRng: 'large', maxDets: md[2] },
    { ap: false, areaRng: 'all', maxDets: md[0] },
    { ap: false, areaRng: 'all', maxDets: md[1] },
    { ap: false, areaRng: 'all', maxDets: md[2] },
    { ap: false, areaRng: 'small', maxDets: md[2] },
    { ap: false, areaRng: 'medium', maxDets: md[2] },
    { ap: false, areaRng: 'large', maxDets: md[2] },
  ];
}

/**
 * Mean of the entries > -1 in the [t, (r,) k] slice at area index a and maxDets index m, read in C order
 * (t, then r, then k) as numpy's boolean indexing lays them out.
 */
function sliceMean(acc: Accumulated, ap: boolean, tSel: number[], a: number, m: number): number {
  const src = ap ? acc.precision : acc.recall;
  const [T] = src.shape;
  const R = ap ? src.shape[1] : 1;
  const K = ap ? src.shape[2] : src.shape[1];
  const A = ap ? src.shape[3] : src.shape[2];
  const M = ap ? src.shape[4] : src.shape[3];
  const buf = new Float64Array(tSel.length * R * K);
  let n = 0;
  for (const t of tSel) {
    if (t < 0 || t >= T) continue;
    for (let r = 0; r < R; r++) {
      for (let k = 0; k < K; k++) {
        const v = src.data[(((t * R + r) * K + k) * A + a) * M + m];
        if (v > -1) buf[n++] = v;
      }
    }
  }
  return n === 0 ? -1 : numpyMean(buf, n);
}

/** AP@[.50:.95] of each category at area 'all', maxDets 100: what a run with catIds=[id] puts in stats[0]. */
export function perCategoryAp(acc: Accumulated, catIds: number[], p: CocoEvalParams): Record<number, number> {
  const [T, R, K, A, M] = acc.precision.shape;
  const a = p.areaRngLbl.indexOf('all');
  const m = p.maxDets.indexOf(100);
  const out: Record<number, number> = {};
  const buf = new Float64Array(T * R);
  for (let k = 0; k < K; k++) {
    let n = 0;
    for (let t = 0; t < T; t++) {
      for (let r = 0; r < R; r++) {
        const v = acc.precision.data[(((t * R + r) * K + k) * A + a) * M + m];
        if (v > -1) buf[n++] = v;
      }
    }
    out[catIds[k]] = n === 0 ? -1 : numpyMean(buf, n);
  }
  return out;
}

export function summarizeEval(acc: Accumulated, p: CocoEvalParams): Summary {
  const T = p.iouThrs.length;
  const all = Array.from({ length: T }, (_, t) => t);
  const stats: number[] = [];
  const lines: string[] = [];
  for (const s of statSpecs(p)) {
    const a = p.areaRngLbl.indexOf(s.areaRng);
    const m = p.maxDets.indexOf(s.maxDets);
    // summarize() selects the threshold by float equality, as np.where(iouThr == p.iouThrs) does.
    const tSel = s.iouThr === undefined ? all : all.filter((t) => p.iouThrs[t] === s.iouThr);
    const v = a < 0 || m < 0 ? -1 : sliceMean(acc, s.ap, tSel, a, m);
    stats.push(v);
    const title = (s.ap ? 'Average Precision' : 'Average Recall').padEnd(18);
    const type = s.ap ? '(AP)' : '(AR)';
    const iouStr = (
      s.iouThr === undefined ? `${p.iouThrs[0].toFixed(2)}:${p.iouThrs[T - 1].toFixed(2)}` : s.iouThr.toFixed(2)
    ).padEnd(9);
    lines.push(
      ` ${title} ${type} @[ IoU=${iouStr} | area=${s.areaRng.padStart(6)} | maxDets=${String(s.maxDets).padStart(3)} ] = ${formatFixed3(v)}`,
    );
  }
  return { stats, lines };
}
