import type { Anchors } from '../model/anchors';
import type { AssignerInput } from './assigner-types';
import { ciou32 } from './ciou';

/**
 * One gt box's candidate anchors and their align metric, as ultralytics 8.0.200 TaskAlignedAssigner
 * computes them (select_candidates_in_gts, then get_box_metrics over the in-box anchors only):
 *   candidates = anchors whose centre lies strictly inside the box (every side's distance > eps);
 *   overlap    = max(CIoU(gt, predicted box), 0),  score = predicted probability of the gt's class;
 *   metric     = score^alpha * overlap^beta   (0 outside the box).
 * Float32 steps (Math.fround) as the reference computes them, so anchor rankings agree with it.
 */

/** Candidates of one gt: ascending anchor indices with their overlap and metric, [n] each. */
export interface GtCandidates {
  idx: Int32Array;
  ov: Float32Array;
  metric: Float32Array;
}

const f = Math.fround;

/** Candidates and metrics of gt `g` of image `b` (none for a padding row). */
export function gtCandidates(inp: AssignerInput, b: number, g: number, eps: number): GtCandidates {
  const { nc, anchors, scores, boxes, gt, hyp, ensure } = inp;
  const A = anchors.count;
  const j = b * gt.nMax + g;
  const o = j * 4;
  const idxList: number[] = [];
  if (gt.valid[j]) anchorsInBox(anchors, gt.boxes[o], gt.boxes[o + 1], gt.boxes[o + 2], gt.boxes[o + 3], eps, idxList);
  const idx = Int32Array.from(idxList);
  const ov = new Float32Array(idx.length);
  const metric = new Float32Array(idx.length);
  const label = gt.labels[j];
  for (let k = 0; k < idx.length; k++) {
    const a = idx[k];
    if (ensure) ensure(b, a);
    const p = (b * A + a) * 4; // boxes [B, A, 4]
    const iou = ciou32(gt.boxes[o], gt.boxes[o + 1], gt.boxes[o + 2], gt.boxes[o + 3], boxes[p], boxes[p + 1], boxes[p + 2], boxes[p + 3]);
    ov[k] = iou > 0 ? iou : 0;
    const s = scores[(b * A + a) * nc + label]; // scores [B, A, nc]
    metric[k] = f(powF32(s, hyp.alpha) * powF32(ov[k], hyp.beta));
  }
  return { idx, ov, metric };
}

/** Anchors whose centre lies inside (x1, y1, x2, y2) with every side's distance > eps, ascending; appended to `out`. */
function anchorsInBox(a: Anchors, x1: number, y1: number, x2: number, y2: number, eps: number, out: number[]): void {
  let base = 0;
  for (let l = 0; l < a.shapes.length; l++) {
    const [h, w] = a.shapes[l];
    const s = a.strides[l];
    // the test is separable per axis: columns inside x-range times rows inside y-range
    const xs: number[] = [];
    for (let i = 0; i < w; i++) {
      const px = f(a.points[2 * (base + i)] * s);
      if (f(px - x1) > eps && f(x2 - px) > eps) xs.push(i);
    }
    if (xs.length > 0) {
      for (let j = 0; j < h; j++) {
        const py = f(a.points[2 * (base + j * w) + 1] * s);
        if (f(py - y1) > eps && f(y2 - py) > eps) for (const i of xs) out.push(base + j * w + i);
      }
    }
    base += h * w;
  }
}

/** float32 x^p; the reference's pow takes the square-root path for p = 0.5. */
function powF32(x: number, p: number): number {
  return f(p === 0.5 ? Math.sqrt(x) : Math.pow(x, p));
}
