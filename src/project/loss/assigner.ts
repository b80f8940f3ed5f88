import type { Anchors } from '../model/anchors';
import { ciou32 } from './ciou';
import type { LossHyp } from './hyp';
import type { GtBatch } from './targets';

/**
 * TaskAlignedAssigner (Feng et al., TOOD 2021) as in ultralytics 8.0.200, in plain JS on detached copies
 * of the predictions: the assignment carries no gradient, and scanning only the anchors inside each box
 * is far cheaper than the reference's dense [B, nMax, A] tensors.
 *
 * For each real gt box:
 *   candidates = anchors whose centre lies strictly inside the box (every side's distance > eps);
 *   overlap    = max(CIoU(gt, predicted box), 0), score = predicted probability of the gt's class;
 *   metric     = score^alpha * overlap^beta (0 outside the box);
 *   picks      = top-k anchors by metric (ties at 0 go to the lowest anchor index), kept if inside the box.
 * An anchor picked by several gts goes to the gt with the highest overlap over all boxes of its image.
 * Target score of a foreground anchor = metric * (max overlap of its gt) / (max metric of its gt + eps),
 * on the gt's class only.
 *
 * Arithmetic follows the reference's float32 steps (Math.fround), so anchor rankings agree with it.
 */

export interface AssignerInput {
  batch: number;
  nc: number;
  anchors: Anchors;
  /** [B, A, nc] sigmoid class scores. */
  scores: Float32Array;
  /** [B, A, 4] predicted xyxy boxes in pixels. */
  boxes: Float32Array;
  gt: GtBatch;
  /**
   * Called before `scores`/`boxes` of (image, anchor) are read: lets the caller decode only the anchors
   * that lie inside some box (a small part of all anchors) instead of all of them.
   */
  ensure?: (b: number, a: number) => void;
  hyp: Pick<LossHyp, 'topk' | 'alpha' | 'beta' | 'eps'>;
}

export interface Assignment {
  /** Foreground anchors (weight-0 ones included), ordered by image then anchor index. */
  numFg: number;
  fgImage: Int32Array;
  fgAnchor: Int32Array;
  /** Index of the assigned gt within its image (row of the padded GtBatch). */
  fgGt: Int32Array;
  fgLabel: Int32Array;
  /** target_scores summed over classes: the normalised align metric. */
  fgWeight: Float32Array;
  /** [F, 4] assigned gt boxes, pixel xyxy. */
  targetBoxes: Float32Array;
  /** Sum of all target scores (before max(., 1)). */
  targetScoresSum: number;
}

const f = Math.fround;

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

export function assignTargets(inp: AssignerInput): Assignment {
  const { batch, nc, anchors, scores, boxes, gt, hyp, ensure } = inp;
  const A = anchors.count;
  const nMax = gt.nMax;
  const eps = f(hyp.eps);
  const topk = Math.min(hyp.topk, A);

  const outImage: number[] = [];
  const outAnchor: number[] = [];
  const outGt: number[] = [];
  const outLabel: number[] = [];
  const outWeight: number[] = [];
  const outBoxes: number[] = [];
  let tss = 0;

  const slot = new Int32Array(A).fill(-1); // anchor -> position in the current gt's candidate list
  const count = new Int32Array(A);
  const owner = new Int32Array(A);

  for (let b = 0; b < batch; b++) {
    if (nMax === 0) continue;
    // per gt: candidate anchors with their overlap and metric
    const cand: { idx: Int32Array; ov: Float32Array; metric: Float32Array }[] = [];
    const picks: number[][] = [];
    for (let g = 0; g < nMax; g++) {
      const j = b * nMax + g;
      const idxList: number[] = [];
      if (gt.valid[j]) {
        const o = j * 4;
        anchorsInBox(anchors, gt.boxes[o], gt.boxes[o + 1], gt.boxes[o + 2], gt.boxes[o + 3], eps, idxList);
      }
      const idx = Int32Array.from(idxList);
      const ov = new Float32Array(idx.length);
      const metric = new Float32Array(idx.length);
      const o = j * 4;
      const label = gt.labels[j];
      for (let k = 0; k < idx.length; k++) {
        const a = idx[k];
        if (ensure) ensure(b, a);
        const p = (b * A + a) * 4;
        const iou = ciou32(gt.boxes[o], gt.boxes[o + 1], gt.boxes[o + 2], gt.boxes[o + 3], boxes[p], boxes[p + 1], boxes[p + 2], boxes[p + 3]);
        ov[k] = iou > 0 ? iou : 0;
        const s = scores[(b * A + a) * nc + label];
        metric[k] = f(powF32(s, hyp.alpha) * powF32(ov[k], hyp.beta));
      }
      cand.push({ idx, ov, metric });
      picks.push(gt.valid[j] ? selectTopk(idx, metric, topk, slot) : []);
    }

    count.fill(0);
    for (let g = 0; g < nMax; g++) {
      for (const a of picks[g]) {
        count[a]++;
        owner[a] = g;
      }
    }
    // gt g's overlap / metric of anchor a, 0 when a is not one of its candidates (no tuple: this runs per
    // foreground anchor and gt, and the loss's garbage is collected while the native threads need the cores)
    const overlapOf = (g: number, a: number): number => {
      const k = binarySearch(cand[g].idx, a);
      return k < 0 ? 0 : cand[g].ov[k];
    };
    const metricOf = (g: number, a: number): number => {
      const k = binarySearch(cand[g].idx, a);
      return k < 0 ? 0 : cand[g].metric[k];
    };
    const fgSet = Array.from(new Set(picks.flat())).sort((x, y) => x - y);
    for (const a of fgSet) {
      if (count[a] > 1) {
        // highest overlap over all boxes of the image (first on ties, like argmax)
        let best = 0;
        let bestOv = -1;
        for (let g = 0; g < nMax; g++) {
          const ov = overlapOf(g, a);
          if (ov > bestOv) {
            bestOv = ov;
            best = g;
          }
        }
        owner[a] = best;
      }
    }
    // per gt: max metric and max overlap over its assigned anchors
    const pam = new Float64Array(nMax);
    const pov = new Float64Array(nMax);
    for (const a of fgSet) {
      const g = owner[a];
      const ov = overlapOf(g, a);
      const m = metricOf(g, a);
      if (m > pam[g]) pam[g] = m;
      if (ov > pov[g]) pov[g] = ov;
    }
    for (const a of fgSet) {
      const g = owner[a];
      const m = metricOf(g, a);
      const w = f(f(m * pov[g]) / f(pam[g] + eps));
      const j = b * nMax + g;
      outImage.push(b);
      outAnchor.push(a);
      outGt.push(g);
      outLabel.push(gt.labels[j]);
      outWeight.push(w);
      outBoxes.push(gt.boxes[j * 4], gt.boxes[j * 4 + 1], gt.boxes[j * 4 + 2], gt.boxes[j * 4 + 3]);
      tss += w;
    }
  }
  return {
    numFg: outAnchor.length,
    fgImage: Int32Array.from(outImage),
    fgAnchor: Int32Array.from(outAnchor),
    fgGt: Int32Array.from(outGt),
    fgLabel: Int32Array.from(outLabel),
    fgWeight: Float32Array.from(outWeight),
    targetBoxes: Float32Array.from(outBoxes),
    targetScoresSum: f(tss),
  };
}

/**
 * Top-k anchors of one gt by metric, restricted to its candidates (`idx`, ascending anchor indices).
 * Non-candidates have metric 0; when fewer than k metrics are positive, the rest of the top-k are
 * zero-metric anchors taken from the lowest anchor index (a tie-break: such anchors get weight 0),
 * and only those that are candidates survive the reference's in-box mask.
 */
function selectTopk(idx: Int32Array, metric: Float32Array, k: number, slot: Int32Array): number[] {
  const pos: number[] = [];
  for (let i = 0; i < idx.length; i++) if (metric[i] > 0) pos.push(i);
  // -1/0/1 and index differences (small integers), not a float difference: that one was boxed on every comparison
  pos.sort((x, y) => (metric[y] > metric[x] ? 1 : metric[y] < metric[x] ? -1 : idx[x] - idx[y]));
  const out = pos.slice(0, k).map((i) => idx[i]);
  if (out.length < k) {
    for (let i = 0; i < idx.length; i++) slot[idx[i]] = metric[i] > 0 ? 1 : 0;
    let need = k - out.length;
    for (let a = 0; need > 0 && a < slot.length; a++) {
      if (slot[a] === 1) continue; // positive metric: already ranked above
      need--;
      if (slot[a] === 0) out.push(a); // a zero-metric candidate inside the box
    }
    for (let i = 0; i < idx.length; i++) slot[idx[i]] = -1;
  }
  return out.sort((x, y) => x - y);
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

/** float32 x^p; the reference's pow takes the square-root path for p = 0.5. */
function powF32(x: number, p: number): number {
  return f(p === 0.5 ? Math.sqrt(x) : Math.pow(x, p));
}
