/**
 * Non-maximum suppression over the model's decoded output, with ultralytics' `non_max_suppression` semantics
 * (8.0.200) and torchvision's NMS kernel:
 * - candidates: best class score > conf (single label), or every (anchor, class) with score > conf (multi_label,
 *   what ultralytics' validator uses);
 * - at most max_nms candidates by score, then greedy NMS that suppresses when IoU > iou (strictly);
 * - class-aware by offsetting boxes by class * max_wh (7680), or agnostic; at most max_det kept, by score.
 * Arithmetic is float32 step by step (Math.fround) as in torch; the conf test is float32 like a torch comparison,
 * the IoU test compares the float32 IoU with the double threshold, as torchvision's C++ does.
 * Order among equal scores: the earlier candidate (anchor-major, then class) first; torch does not promise one.
 */

const f = Math.fround;

export const MAX_WH = 7680;

export interface NmsOptions {
  /** Confidence threshold (ultralytics predict 0.25, val 0.001). */
  conf?: number;
  /** IoU threshold (0.7 for both predict and val). */
  iou?: number;
  /** Ignore classes when suppressing. */
  agnostic?: boolean;
  /** One candidate per (anchor, class) above conf instead of the best class only. */
  multiLabel?: boolean;
  maxDet?: number;
  maxNms?: number;
}

/** One image's detections, sorted by score (descending). Boxes are xyxy pixels in the frame they were made in. */
export interface Detections {
  boxes: Float32Array; // [n, 4] xyxy
  scores: Float32Array; // [n]
  classes: Int32Array; // [n]
}

export function emptyDetections(): Detections {
  return { boxes: new Float32Array(0), scores: new Float32Array(0), classes: new Int32Array(0) };
}

/**
 * NMS for a batch of decoded predictions `pred` [B, 4 + nc, A] (cx, cy, w, h in input pixels, then class
 * probabilities), row-major as `tensor.dataSync()` gives it.
 */
export function nonMaxSuppression(pred: Float32Array, batch: number, nc: number, anchors: number, opts: NmsOptions = {}): Detections[] {
  const ch = 4 + nc;
  if (pred.length !== batch * ch * anchors) {
    throw new Error(`nonMaxSuppression: expected ${batch}x${ch}x${anchors} = ${batch * ch * anchors} values, got ${pred.length}`);
  }
  const out: Detections[] = [];
  for (let b = 0; b < batch; b++) out.push(nmsImage(pred.subarray(b * ch * anchors, (b + 1) * ch * anchors), nc, anchors, opts));
  return out;
}

/** NMS for one image's [4 + nc, A] block. */
export function nmsImage(p: Float32Array, nc: number, anchors: number, opts: NmsOptions = {}): Detections {
  const confThr = f(opts.conf ?? 0.25);
  const iouThr = opts.iou ?? 0.7;
  const maxDet = opts.maxDet ?? 300;
  const maxNms = opts.maxNms ?? 30000;
  const multiLabel = (opts.multiLabel ?? false) && nc > 1;
  const A = anchors;

  // Candidates as (anchor, class, score), anchor-major.
  let candA: Int32Array, candC: Int32Array, candS: Float32Array;
  let n = 0;
  if (multiLabel) {
    let count = 0;
    for (let c = 0; c < nc; c++) {
      const row = (4 + c) * A;
      for (let a = 0; a < A; a++) if (p[row + a] > confThr) count++;
    }
    candA = new Int32Array(count); candC = new Int32Array(count); candS = new Float32Array(count);
    // Anchor-major order is what torch.where over [A, nc] yields.
    for (let a = 0; a < A; a++) {
      for (let c = 0; c < nc; c++) {
        const s = p[(4 + c) * A + a];
        if (s > confThr) { candA[n] = a; candC[n] = c; candS[n] = s; n++; }
      }
    }
  } else {
    const bestS = new Float32Array(A).fill(-Infinity);
    const bestC = new Int32Array(A);
    for (let c = 0; c < nc; c++) {
      const row = (4 + c) * A;
      for (let a = 0; a < A; a++) {
        const s = p[row + a];
        if (s > bestS[a]) { bestS[a] = s; bestC[a] = c; } // strict: the first maximal class wins, as torch.max
      }
    }
    let count = 0;
    for (let a = 0; a < A; a++) if (bestS[a] > confThr) count++;
    candA = new Int32Array(count); candC = new Int32Array(count); candS = new Float32Array(count);
    for (let a = 0; a < A; a++) {
      if (bestS[a] > confThr) { candA[n] = a; candC[n] = bestC[a]; candS[n] = bestS[a]; n++; }
    }
  }
  if (n === 0) return emptyDetections();

  const order = argsortDescStable(candS);
  const m = Math.min(n, maxNms);

  // Sorted, truncated candidates: xyxy boxes in float32 steps, plus the class offset used for suppression.
  const boxes = new Float32Array(m * 4);
  const scores = new Float32Array(m);
  const classes = new Int32Array(m);
  let minX = Infinity, maxX = -Infinity;
  for (let k = 0; k < m; k++) {
    const i = order[k];
    const a = candA[i];
    const cx = p[a], cy = p[A + a], w = p[2 * A + a], h = p[3 * A + a];
    const dw = f(w / 2), dh = f(h / 2);
    const o = k * 4;
    boxes[o] = cx - dw; boxes[o + 1] = cy - dh; boxes[o + 2] = cx + dw; boxes[o + 3] = cy + dh;
    scores[k] = candS[i];
    classes[k] = candC[i];
    if (boxes[o] < minX) minX = boxes[o];
    if (boxes[o + 2] > maxX) maxX = boxes[o + 2];
  }

  const agnostic = opts.agnostic ?? false;
  let keep: Int32Array;
  if (agnostic) {
    keep = greedyNms(boxes, null, iouThr, maxDet);
  } else {
    // torch suppresses on boxes shifted by class * max_wh in float32, which also rounds their coordinates:
    // suppress on the same shifted boxes so IoUs agree to the bit.
    const shifted = new Float32Array(m * 4);
    for (let k = 0; k < m; k++) {
      const off = f(classes[k] * MAX_WH);
      for (let q = 0; q < 4; q++) shifted[k * 4 + q] = f(boxes[k * 4 + q] + off);
    }
    // When every box spans less than max_wh, shifted boxes of different classes cannot overlap, so NMS per class
    // gives the same result at a fraction of the pairs.
    keep = maxX - minX < MAX_WH ? perClassNms(shifted, classes, nc, iouThr, maxDet) : greedyNms(shifted, null, iouThr, maxDet);
  }

  const det: Detections = { boxes: new Float32Array(keep.length * 4), scores: new Float32Array(keep.length), classes: new Int32Array(keep.length) };
  for (let r = 0; r < keep.length; r++) {
    const k = keep[r];
    det.boxes.set(boxes.subarray(k * 4, k * 4 + 4), r * 4);
    det.scores[r] = scores[k];
    det.classes[r] = classes[k];
  }
  return det;
}

/**
 * Greedy NMS over boxes [m, 4] already sorted by score (descending); `subset` restricts to those positions (in
 * order). Returns kept positions in order, at most maxKeep. IoU in torchvision's float32 arithmetic, no epsilon.
 */
export function greedyNms(boxes: Float32Array, subset: Int32Array | null, iouThr: number, maxKeep: number): Int32Array {
  const idx = subset ?? identity(boxes.length >> 2);
  const m = idx.length;
  const areas = new Float32Array(m);
  const x1 = new Float32Array(m), y1 = new Float32Array(m), x2 = new Float32Array(m), y2 = new Float32Array(m);
  for (let k = 0; k < m; k++) {
    const o = idx[k] * 4;
    x1[k] = boxes[o]; y1[k] = boxes[o + 1]; x2[k] = boxes[o + 2]; y2[k] = boxes[o + 3];
    areas[k] = f(f(x2[k] - x1[k]) * f(y2[k] - y1[k]));
  }
  const suppressed = new Uint8Array(m);
  const keep: number[] = [];
  for (let i = 0; i < m && keep.length < maxKeep; i++) {
    if (suppressed[i]) continue;
    keep.push(idx[i]);
    const ix1 = x1[i], iy1 = y1[i], ix2 = x2[i], iy2 = y2[i], ia = areas[i];
    for (let j = i + 1; j < m; j++) {
      if (suppressed[j]) continue;
      const w = f((ix2 < x2[j] ? ix2 : x2[j]) - (ix1 > x1[j] ? ix1 : x1[j]));
      if (!(w > 0)) continue;
      const h = f((iy2 < y2[j] ? iy2 : y2[j]) - (iy1 > y1[j] ? iy1 : y1[j]));
      if (!(h > 0)) continue;
      const inter = f(w * h);
      const ovr = f(inter / f(f(ia + areas[j]) - inter));
      if (ovr > iouThr) suppressed[j] = 1;
    }
  }
  return Int32Array.from(keep);
}

function perClassNms(boxes: Float32Array, classes: Int32Array, nc: number, iouThr: number, maxDet: number): Int32Array {
  const m = classes.length;
  const counts = new Int32Array(nc + 1);
  for (let k = 0; k < m; k++) counts[classes[k] + 1]++;
  for (let c = 0; c < nc; c++) counts[c + 1] += counts[c];
  const byClass = new Int32Array(m);
  const fill = counts.slice(0, nc);
  for (let k = 0; k < m; k++) byClass[fill[classes[k]]++] = k; // stays in score order within each class
  const kept = new Uint8Array(m);
  let total = 0;
  for (let c = 0; c < nc; c++) {
    if (counts[c + 1] === counts[c]) continue;
    // Any class may contribute up to maxDet; the global cut below picks the best maxDet overall.
    const keepC = greedyNms(boxes, byClass.subarray(counts[c], counts[c + 1]), iouThr, maxDet);
    for (let r = 0; r < keepC.length; r++) kept[keepC[r]] = 1;
    total += keepC.length;
  }
  const out = new Int32Array(Math.min(total, maxDet));
  for (let k = 0, r = 0; k < m && r < out.length; k++) if (kept[k]) out[r++] = k;
  return out;
}

/** Indices that sort `v` descending; equal values keep their original order. */
export function argsortDescStable(v: ArrayLike<number>): Int32Array {
  const idx = identity(v.length);
  idx.sort((a, b) => (v[b] - v[a]) || (a - b));
  return idx;
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
