/**
 * The detection confusion matrix as ultralytics' ConfusionMatrix (8.0.200) builds it.
 *
 * `matrix[pred][true]`, (nc + 1) x (nc + 1): the last row is "background predicted" (a missed label, FN), the last
 * column "background true" (a detection with no label, FP). Detections with conf > 0.25 are matched to labels
 * regardless of class when IoU > 0.45; pairs sorted by IoU, each detection and each label used once.
 * Quirks kept on purpose, because users compare against ultralytics' plots:
 * - unmatched detections count as background FP only when the image has at least one match;
 * - the validator feeds images with labels only (an image with detections and no labels adds nothing).
 * ultralytics' plot normalizes each column (each true class sums to 1), so `normalized()` does that too.
 */

import { boxIouMatrix } from './boxes';

const f = Math.fround;

export interface ConfusionOptions {
  conf?: number;
  iou?: number;
}

export class ConfusionMatrix {
  readonly nc: number;
  readonly conf: number;
  readonly iou: number;
  /** [(nc+1) x (nc+1)] row-major, rows = predicted class, columns = true class. */
  readonly matrix: Float64Array;

  constructor(nc: number, opts: ConfusionOptions = {}) {
    if (!(Number.isInteger(nc) && nc > 0)) throw new Error(`ConfusionMatrix: nc must be a positive integer, got ${nc}`);
    this.nc = nc;
    this.conf = opts.conf ?? 0.25;
    this.iou = opts.iou ?? 0.45;
    this.matrix = new Float64Array((nc + 1) * (nc + 1));
  }

  at(pred: number, truth: number): number {
    return this.matrix[pred * (this.nc + 1) + truth];
  }

  private add(pred: number, truth: number): void {
    this.matrix[pred * (this.nc + 1) + truth] += 1;
  }

  /**
   * One image. `detections` null means the model found nothing (every label is a miss). Boxes are xyxy in the
   * same frame; classes are 0..nc-1.
   */
  processBatch(
    detections: { boxes: ArrayLike<number>; scores: ArrayLike<number>; classes: ArrayLike<number> } | null,
    labelBoxes: ArrayLike<number>, labelClasses: ArrayLike<number>,
  ): void {
    const nl = labelClasses.length;
    for (let i = 0; i < nl; i++) this.checkClass(labelClasses[i], 'label');
    if (detections === null) {
      for (let i = 0; i < nl; i++) this.add(this.nc, labelClasses[i]);
      return;
    }
    // Keep detections above conf (float32 comparison, as on a torch tensor).
    const confThr = f(this.conf);
    const keep: number[] = [];
    for (let i = 0; i < detections.scores.length; i++) if (detections.scores[i] > confThr) keep.push(i);
    const nd = keep.length;
    const dBoxes = new Float32Array(nd * 4);
    const dCls = new Int32Array(nd);
    keep.forEach((k, r) => {
      for (let q = 0; q < 4; q++) dBoxes[r * 4 + q] = detections.boxes[k * 4 + q];
      dCls[r] = detections.classes[k];
      this.checkClass(dCls[r], 'detection');
    });

    const iou = boxIouMatrix(labelBoxes, dBoxes); // [nl, nd]
    const iouThr = f(this.iou);
    // Candidate pairs in torch.where's row-major order.
    const pairs: { l: number; d: number; iou: number; k: number }[] = [];
    for (let l = 0; l < nl; l++) for (let d = 0; d < nd; d++) {
      const v = iou[l * nd + d];
      if (v > iouThr) pairs.push({ l, d, iou: v, k: pairs.length });
    }
    let matches = pairs;
    if (pairs.length > 1) {
      // Highest IoU first (numpy's reversed argsort: later pair first among ties); unique by detection, then by
      // label, each time taking the first occurrence after a fresh IoU sort.
      const byIouDesc = (a: typeof pairs[number], b: typeof pairs[number]) => (b.iou - a.iou) || (b.k - a.k);
      matches = uniqueFirst([...pairs].sort(byIouDesc), (m) => m.d);
      matches = matches.map((m, k) => ({ ...m, k }));
      matches = uniqueFirst([...matches].sort(byIouDesc), (m) => m.l);
    }
    const anyMatch = matches.length > 0;
    const detOfLabel = new Map<number, number[]>();
    for (const m of matches) {
      const list = detOfLabel.get(m.l) ?? [];
      list.push(m.d);
      detOfLabel.set(m.l, list);
    }
    for (let l = 0; l < nl; l++) {
      const ds = detOfLabel.get(l);
      if (anyMatch && ds && ds.length === 1) this.add(dCls[ds[0]], labelClasses[l]);
      else this.add(this.nc, labelClasses[l]);
    }
    if (anyMatch) {
      const matchedDet = new Set(matches.map((m) => m.d));
      for (let d = 0; d < nd; d++) if (!matchedDet.has(d)) this.add(dCls[d], this.nc);
    }
  }

  /** Column-normalized copy (each true class sums to 1; ultralytics adds 1e-9 to the sums). */
  normalized(): Float64Array {
    const n = this.nc + 1;
    const out = new Float64Array(n * n);
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += this.matrix[r * n + c];
      for (let r = 0; r < n; r++) out[r * n + c] = this.matrix[r * n + c] / (s + 1e-9);
    }
    return out;
  }

  /** Rows as nested arrays, for JSON and tables. */
  toRows(normalize = false): number[][] {
    const m = normalize ? this.normalized() : this.matrix;
    const n = this.nc + 1;
    return Array.from({ length: n }, (_, r) => Array.from(m.subarray(r * n, (r + 1) * n)));
  }

  /** Per-class TP (diagonal) and FP (row sum minus diagonal), background excluded, as ultralytics' tp_fp(). */
  tpFp(): { tp: Float64Array; fp: Float64Array } {
    const n = this.nc + 1;
    const tp = new Float64Array(this.nc), fp = new Float64Array(this.nc);
    for (let c = 0; c < this.nc; c++) {
      tp[c] = this.matrix[c * n + c];
      let s = 0;
      for (let k = 0; k < n; k++) s += this.matrix[c * n + k];
      fp[c] = s - tp[c];
    }
    return { tp, fp };
  }

  private checkClass(c: number, what: string): void {
    if (!(Number.isInteger(c) && c >= 0 && c < this.nc)) throw new Error(`ConfusionMatrix: ${what} class ${c} is outside 0..${this.nc - 1}`);
  }
}

/** numpy.unique(key, return_index=True) applied as an index: first occurrence per key, ordered by key. */
function uniqueFirst<T>(items: T[], key: (t: T) => number): T[] {
  const first = new Map<number, T>();
  for (const it of items) if (!first.has(key(it))) first.set(key(it), it);
  return [...first.keys()].sort((a, b) => a - b).map((k) => first.get(k)!);
}
