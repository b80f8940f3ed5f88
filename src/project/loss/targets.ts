/**
 * Ground-truth boxes as the loss sees them: normalised YOLO labels (one row per box with its image index)
 * gathered per image and scaled to pixel xyxy, in float32 as the reference computes them.
 */
export interface LossTargets {
  /** Image index in the batch of each box (integers; floats are accepted as ultralytics stores them). */
  batchIdx: number[];
  /** Class id of each box. */
  cls: number[];
  /** Normalised [cx, cy, w, h] of each box, relative to [W, H]. */
  bboxes: number[][];
}

/** Padded per-image ground truth (like the reference's [B, nMax, 5] tensor). */
export interface GtBatch {
  batch: number;
  /** Most boxes in one image. */
  nMax: number;
  /** [B, nMax, 4] pixel xyxy; zero rows for padding. */
  boxes: Float32Array;
  /** [B, nMax] class ids; 0 for padding. */
  labels: Int32Array;
  /** [B, nMax] 1 for a real box whose coordinates sum to > 0 (the reference's mask_gt), else 0. */
  valid: Uint8Array;
}

const f = Math.fround;

/** `imgsz` is [H, W] in pixels. */
export function gatherTargets(t: LossTargets, batch: number, imgsz: [number, number], nc: number): GtBatch {
  const n = t.batchIdx.length;
  if (t.cls.length !== n || t.bboxes.length !== n) {
    throw new Error(`loss targets: batchIdx (${n}), cls (${t.cls.length}) and bboxes (${t.bboxes.length}) differ in length`);
  }
  const counts = new Array<number>(batch).fill(0);
  for (let i = 0; i < n; i++) {
    const b = t.batchIdx[i];
    if (!Number.isInteger(b) || b < 0 || b >= batch) throw new Error(`loss targets: box ${i} has batchIdx ${b}, outside 0..${batch - 1}`);
    const c = t.cls[i];
    if (!Number.isInteger(c) || c < 0 || c >= nc) throw new Error(`loss targets: box ${i} has class ${c}, outside 0..${nc - 1}`);
    const bb = t.bboxes[i];
    if (!Array.isArray(bb) || bb.length !== 4 || bb.some((v) => !Number.isFinite(v))) {
      throw new Error(`loss targets: box ${i} is not 4 finite numbers (normalised cx, cy, w, h)`);
    }
    counts[b]++;
  }
  const nMax = Math.max(0, ...counts);
  const boxes = new Float32Array(batch * nMax * 4);
  const labels = new Int32Array(batch * nMax);
  const valid = new Uint8Array(batch * nMax);
  const fill = new Array<number>(batch).fill(0);
  const [H, W] = imgsz;
  for (let i = 0; i < n; i++) {
    const b = t.batchIdx[i];
    const j = b * nMax + fill[b]++;
    const [cx, cy, w, h] = t.bboxes[i].map(f);
    const px = f(cx * W);
    const py = f(cy * H);
    const pw = f(w * W);
    const ph = f(h * H);
    const o = j * 4;
    boxes[o] = f(px - pw / 2);
    boxes[o + 1] = f(py - ph / 2);
    boxes[o + 2] = f(px + pw / 2);
    boxes[o + 3] = f(py + ph / 2);
    labels[j] = t.cls[i];
    valid[j] = f(f(f(boxes[o] + boxes[o + 1]) + boxes[o + 2]) + boxes[o + 3]) > 0 ? 1 : 0;
  }
  return { batch, nMax, boxes, labels, valid };
}
