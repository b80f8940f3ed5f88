/**
 * Average precision per class, as ultralytics' `ap_per_class` and `compute_ap` (8.0.200) compute it:
 * predictions sorted by confidence, cumulative TP/FP, recall = tp / (n_labels + 1e-16), precision = tp / (tp + fp);
 * AP = trapezoid integral over 101 recall points of the precision envelope (mrec = [0, r, 1], mpre = [1, p, 0]);
 * P and R curves over 1000 confidences in [0, 1]; the reported P and R are taken at the confidence that maximizes
 * the class-mean F1 after a box filter (fraction 0.1).
 * Only classes that have labels are reported (numpy.unique of the target classes), as ultralytics does.
 */

const EPS = 1e-16;

/** numpy.linspace(start, stop, num) values: start + i * step, with the last one set to stop. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/**
 * numpy.interp(x, xp, fp, left, right) for one point; xp must be non-decreasing. Among equal xp values the last
 * one's fp applies (numpy's binary search finds the last xp <= x).
 */
export function interp1(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>, left?: number, right?: number): number {
  const n = xp.length;
  const lval = left ?? fp[0];
  const rval = right ?? fp[n - 1];
  if (Number.isNaN(x)) return x;
  if (x < xp[0]) return lval;
  if (x > xp[n - 1]) return rval;
  if (x === xp[n - 1]) return fp[n - 1];
  if (n === 1) return fp[0];
  // Largest j with xp[j] <= x; x < xp[n-1] so j < n - 1.
  let lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid] <= x) lo = mid; else hi = mid;
  }
  const j = lo;
  if (x === xp[j]) return fp[j];
  const slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
  let r = slope * (x - xp[j]) + fp[j];
  if (Number.isNaN(r)) {
    r = slope * (x - xp[j + 1]) + fp[j + 1];
    if (Number.isNaN(r) && fp[j] === fp[j + 1]) r = fp[j];
  }
  return r;
}

export interface ApResult {
  ap: number;
  /** The envelope's recall and precision points (for plotting). */
  mrec: Float64Array;
  mpre: Float64Array;
}

const X101 = linspace(0, 1, 101);

/** ultralytics' compute_ap with method 'interp' (101-point trapezoid over the precision envelope). */
export function computeAp(recall: ArrayLike<number>, precision: ArrayLike<number>): ApResult {
  const n = recall.length;
  const mrec = new Float64Array(n + 2);
  const mpre = new Float64Array(n + 2);
  mrec[0] = 0; mpre[0] = 1;
  for (let i = 0; i < n; i++) { mrec[i + 1] = recall[i]; mpre[i + 1] = precision[i]; }
  mrec[n + 1] = 1; mpre[n + 1] = 0;
  for (let i = n; i >= 0; i--) if (mpre[i + 1] > mpre[i] || Number.isNaN(mpre[i + 1])) mpre[i] = mpre[i + 1];
  let ap = 0;
  let prev = interp1(X101[0], mrec, mpre);
  for (let k = 1; k < X101.length; k++) {
    const y = interp1(X101[k], mrec, mpre);
    ap += ((X101[k] - X101[k - 1]) * (y + prev)) / 2;
    prev = y;
  }
  return { ap, mrec, mpre };
}

/** ultralytics' smooth(y, f): box filter of odd width round(n * f * 2) // 2 + 1, edges padded with end values. */
export function smooth(y: ArrayLike<number>, frac = 0.05): Float64Array {
  const n = y.length;
  const nf = Math.floor(roundHalfEvenLocal(n * frac * 2) / 2) + 1;
  const half = nf >> 1;
  const w = 1 / nf;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = i - half; k <= i + half; k++) s += (k < 0 ? y[0] : k >= n ? y[n - 1] : y[k]) * w;
    out[i] = s;
  }
  return out;
}

function roundHalfEvenLocal(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface ApPerClass {
  /** Classes with at least one label, ascending (ultralytics' ap_class_index). */
  classes: Int32Array;
  /** Per reported class, at the best mean-F1 confidence. */
  p: Float64Array;
  r: Float64Array;
  f1: Float64Array;
  /** Estimated TP and FP counts there (ultralytics' (r * nt).round() and (tp / p - tp).round()). */
  tp: Float64Array;
  fp: Float64Array;
  /** [nClasses, nIou] row-major. */
  ap: Float64Array;
  nIou: number;
  /** Curves over `x` (1000 confidences in [0, 1]): [nClasses, 1000] each. */
  x: Float64Array;
  pCurve: Float64Array;
  rCurve: Float64Array;
  f1Curve: Float64Array;
  /** Precision at `x` taken as recall, from the IoU-0.5 envelope: [nClasses, 1000]. */
  prCurve: Float64Array;
  /** Index into x of the chosen confidence. */
  bestIndex: number;
}

/**
 * `tp` [n, nIou] row-major (1 = correct at that IoU), `conf` [n], `predCls` [n], `targetCls` [labels].
 */
export function apPerClass(tp: Uint8Array, conf: ArrayLike<number>, predCls: ArrayLike<number>, targetCls: ArrayLike<number>, nIou: number): ApPerClass {
  const n = conf.length;
  if (tp.length !== n * nIou) throw new Error(`apPerClass: tp has ${tp.length} values, expected ${n}x${nIou}`);
  // Stable sort by confidence, descending (numpy's default argsort is not stable; ties are rare in practice).
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (conf[b] - conf[a]) || (a - b));

  // Target classes and their counts (numpy.unique).
  const counts = new Map<number, number>();
  for (let i = 0; i < targetCls.length; i++) counts.set(targetCls[i], (counts.get(targetCls[i]) ?? 0) + 1);
  const classes = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const nc = classes.length;
  const rowOf = new Map<number, number>();
  classes.forEach((c, i) => rowOf.set(c, i));

  // Sorted prediction positions grouped per reported class, keeping confidence order.
  const perClass: number[][] = classes.length ? Array.from({ length: nc }, () => []) : [];
  for (let k = 0; k < n; k++) {
    const row = rowOf.get(predCls[order[k]]);
    if (row !== undefined) perClass[row].push(order[k]);
  }

  const NX = 1000;
  const x = linspace(0, 1, NX);
  const ap = new Float64Array(nc * nIou);
  const pCurve = new Float64Array(nc * NX), rCurve = new Float64Array(nc * NX), prCurve = new Float64Array(nc * NX);
  for (let ci = 0; ci < nc; ci++) {
    const idx = perClass[ci];
    const nl = counts.get(classes[ci])!;
    const np = idx.length;
    if (np === 0 || nl === 0) continue;
    const negConf = new Float64Array(np);
    for (let k = 0; k < np; k++) negConf[k] = -conf[idx[k]];
    const recall = new Float64Array(np), precision = new Float64Array(np);
    for (let j = 0; j < nIou; j++) {
      let tpc = 0, fpc = 0;
      for (let k = 0; k < np; k++) {
        const t = tp[idx[k] * nIou + j];
        tpc += t; fpc += 1 - t;
        recall[k] = tpc / (nl + EPS);
        precision[k] = tpc / (tpc + fpc);
      }
      if (j === 0) {
        for (let q = 0; q < NX; q++) {
          rCurve[ci * NX + q] = interp1(-x[q], negConf, recall, 0);
          pCurve[ci * NX + q] = interp1(-x[q], negConf, precision, 1);
        }
      }
      const res = computeAp(recall, precision);
      ap[ci * nIou + j] = res.ap;
      if (j === 0) for (let q = 0; q < NX; q++) prCurve[ci * NX + q] = interp1(x[q], res.mrec, res.mpre);
    }
  }

  const f1Curve = new Float64Array(nc * NX);
  for (let i = 0; i < nc * NX; i++) f1Curve[i] = (2 * pCurve[i] * rCurve[i]) / (pCurve[i] + rCurve[i] + EPS);
  const meanF1 = new Float64Array(NX);
  for (let q = 0; q < NX; q++) {
    let s = 0;
    for (let ci = 0; ci < nc; ci++) s += f1Curve[ci * NX + q];
    meanF1[q] = nc ? s / nc : NaN;
  }
  const sm = smooth(meanF1, 0.1);
  let bestIndex = 0;
  for (let q = 1; q < NX; q++) if (sm[q] > sm[bestIndex]) bestIndex = q;

  const p = new Float64Array(nc), r = new Float64Array(nc), f1 = new Float64Array(nc), tpOut = new Float64Array(nc), fpOut = new Float64Array(nc);
  for (let ci = 0; ci < nc; ci++) {
    p[ci] = pCurve[ci * NX + bestIndex];
    r[ci] = rCurve[ci * NX + bestIndex];
    f1[ci] = f1Curve[ci * NX + bestIndex];
    tpOut[ci] = roundHalfEvenLocal(r[ci] * counts.get(classes[ci])!);
    fpOut[ci] = roundHalfEvenLocal(tpOut[ci] / (p[ci] + EPS) - tpOut[ci]);
  }
  return { classes, p, r, f1, tp: tpOut, fp: fpOut, ap, nIou, x, pCurve, rCurve, f1Curve, prCurve, bestIndex };
}
