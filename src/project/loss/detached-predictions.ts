import { ops } from '../backend/ops';
import type { Anchors } from '../model/anchors';

/**
 * The detached predictions the assigner scores, as ultralytics 8.0.200 v8DetectionLoss.__call__ builds
 * them: pred_scores.detach().sigmoid() and (bbox_decode(anchor_points, pred_distri) * stride).detach(),
 * i.e. dist2bbox(DFL expectation, anchor point) in pixels, xyxy:
 *   x1 = (ax - l) s,  y1 = (ay - t) s,  x2 = (ax + r) s,  y2 = (ay + b) s   (float32 steps).
 * Filled lazily by `ensure(b, a)` for the anchors the assigner looks at (those inside some gt box); the
 * DFL expectations and sigmoids come from the ops seam's `decodeHeadRows` (the native engine decodes a
 * whole level in one vectorised pass, the reference only the rows asked for).
 */

export interface DetachedPredictions {
  /** [B, A, nc] sigmoid class scores, float32. */
  scores: Float32Array;
  /** [B, A, 4] predicted xyxy boxes in pixels, float32. */
  boxes: Float32Array;
  /** Fills scores and boxes of (image b, anchor a) if not done yet. */
  ensure(b: number, a: number): void;
}

const f = Math.fround;

/** `data`: per level, the head output [B, h, w, 4*regMax + nc] (NHWC, row-major). */
export function detachedPredictions(data: Float32Array[], anchors: Anchors, B: number, regMax: number, nc: number): DetachedPredictions {
  const A = anchors.count;
  const no = 4 * regMax + nc;
  const level = new Int32Array(A); // [A] level of each anchor
  const start: number[] = []; // first anchor of each level
  let base = 0;
  anchors.perLevel.forEach((n, l) => {
    start.push(base);
    level.fill(l, base, base + n);
    base += n;
  });
  const kern = ops();
  // per level: scores [B*n, nc], ltrb [B*n, 4] in bins, rows image-major then pixel
  const decoded = data.map((d, l) => kern.decodeHeadRows(d, B * anchors.perLevel[l], no, regMax, nc));
  const scores = new Float32Array(B * A * nc);
  const boxes = new Float32Array(B * A * 4);
  const done = new Uint8Array(B * A);
  const ensure = (b: number, a: number): void => {
    const ia = b * A + a;
    if (done[ia]) return;
    done[ia] = 1;
    const l = level[a];
    const row = b * anchors.perLevel[l] + a - start[l];
    const { scores: ps, ltrb: pt } = decoded[l];
    decoded[l].ensure(row);
    // plain copies: a subarray view per anchor was the loss's largest source of garbage (0.8 MB a step)
    for (let j = 0; j < nc; j++) scores[ia * nc + j] = ps[row * nc + j];
    const lo = row * 4;
    const s = anchors.stride[a];
    const ax = anchors.points[2 * a];
    const ay = anchors.points[2 * a + 1];
    boxes[ia * 4] = f(f(ax - pt[lo]) * s);
    boxes[ia * 4 + 1] = f(f(ay - pt[lo + 1]) * s);
    boxes[ia * 4 + 2] = f(f(ax + pt[lo + 2]) * s);
    boxes[ia * 4 + 3] = f(f(ay + pt[lo + 3]) * s);
  };
  return { scores, boxes, ensure };
}
