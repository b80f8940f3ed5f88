import { ops, type ClassBceRows } from '../backend/ops';
import { bbox2distInto, type Anchors } from '../model/anchors';
import type { Assignment } from './assigner';
import { ciouWithGrad } from './ciou-grad';
import type { LossHyp } from './hyp';

/**
 * The three differentiable terms of ultralytics 8.0.200 v8DetectionLoss (BboxLoss for box and DFL) and
 * their gradient, in one pass over the head outputs' memory (plain JS, float64 arithmetic; the class term
 * over every anchor goes through the ops seam's `classBceWithGrad`, which the native engine runs in
 * float32 with float64 sums). The tensor-op version (`detectionLoss` with
 * `gradient: 'autodiff'`) builds ~60 tfjs ops and their tape on every step; on the native engine that
 * cost more than the convolutions of the three heads. Given the assignment (a constant), every term is a
 * sum of per-anchor pieces with a short closed-form derivative:
 *
 *   cls = k_cls * sum_{all anchors, classes} BCE(x, z),       d/dx = sigmoid(x) - z
 *   dfl = k_dfl * sum_{fg, sides} -(T_l log p_l + T_r log p_r), d/dL_i = p_i (T_l + T_r) - T_i
 *   box = k_box * sum_{fg} w (1 - CIoU(pred, target)),         pred = anchor -/+ E, E = sum_i i p_i,
 *                                                              d E/d L_i = p_i (i - E)
 *
 * with k = gain / max(sum of target scores, 1), p = softmax of a side's regMax logits, and T the two-bin
 * DFL target of weight w/4 (see dfl.ts). Gradients are of the returned total, (box + cls + dfl) * B.
 */

export interface HeadLossInput {
  /** Per level, the head output [B, h, w, 4*regMax + nc] (NHWC, row-major). */
  data: Float32Array[];
  anchors: Anchors;
  batch: number;
  nc: number;
  regMax: number;
  assignment: Assignment;
  hyp: Pick<LossHyp, 'box' | 'cls' | 'dfl'>;
  /** false: the loss values only (validation); `grads` is then empty. */
  withGrad?: boolean;
}

export interface HeadLossOutput {
  /** [box, cls, dfl] with gains, before the batch multiplier. */
  items: [number, number, number];
  /** d((box + cls + dfl) * B) / d(head output), per level, same layout as `data`. */
  grads: Float32Array[];
}

export function headLossWithGrad(inp: HeadLossInput): HeadLossOutput {
  const { data, anchors, batch: B, nc, regMax: R, assignment: asg, hyp } = inp;
  const no = 4 * R + nc;
  const A = anchors.count;
  const tss = Math.max(asg.targetScoresSum, 1);
  const kCls = (hyp.cls / tss) * B;
  const kBox = (hyp.box / tss) * B;
  const kDfl = (hyp.dfl / tss) * B;

  // Target class scores, only where an anchor is foreground: [B, A] -> (label, weight).
  const fgLabel = new Int32Array(B * A).fill(-1);
  const fgScore = new Float32Array(B * A);
  for (let i = 0; i < asg.numFg; i++) {
    const ia = asg.fgImage[i] * A + asg.fgAnchor[i];
    fgLabel[ia] = asg.fgLabel[i];
    fgScore[ia] = asg.fgWeight[i];
  }

  const start: number[] = [];
  const levelOf = new Int32Array(A);
  let base = 0;
  anchors.perLevel.forEach((n, l) => {
    start.push(base);
    levelOf.fill(l, base, base + n);
    base += n;
  });

  // Only the class channels and the DFL channels of foreground anchors get gradient: start from zeros.
  const kern = ops();
  const wg = inp.withGrad !== false;
  const grads = wg ? data.map((d) => kern.zerosFloat32(d.length)) : [];
  const none = new Float32Array(0);

  // cls: BCE with logits over every anchor and class, one level's rows (image-major, then pixel) at a time
  const levels: ClassBceRows[] = anchors.perLevel.map((n, l) => {
    const label = new Int32Array(B * n); // [B*n]
    const score = new Float32Array(B * n); // [B*n]
    for (let b = 0; b < B; b++) {
      label.set(fgLabel.subarray(b * A + start[l], b * A + start[l] + n), b * n);
      score.set(fgScore.subarray(b * A + start[l], b * A + start[l] + n), b * n);
    }
    return { d: data[l], rows: B * n, label, score, grad: wg ? grads[l] : null };
  });
  const clsSum = kern.classBceWithGrad(levels, no, 4 * R, nc, kCls);

  // box and dfl over foreground anchors with a non-zero weight.
  let boxSum = 0;
  let dflSum = 0;
  const prob = new Float64Array(4 * R);
  const logp = new Float64Array(4 * R);
  const E = new Float64Array(4);
  const ltrb = new Float32Array(4);
  const dBox = new Float64Array(4);
  const f = Math.fround;
  for (let i = 0; i < asg.numFg; i++) {
    const w = asg.fgWeight[i];
    if (!(w > 0)) continue;
    const b = asg.fgImage[i];
    const a = asg.fgAnchor[i];
    const l = levelOf[a];
    const n = anchors.perLevel[l];
    const o = (b * n + a - start[l]) * no;
    const d = data[l];
    const g = wg ? grads[l] : none;
    for (let s = 0; s < 4; s++) {
      const so = o + s * R;
      let m = -Infinity;
      for (let k = 0; k < R; k++) if (d[so + k] > m) m = d[so + k];
      let den = 0;
      for (let k = 0; k < R; k++) den += Math.exp(d[so + k] - m);
      const lden = Math.log(den);
      let e = 0;
      for (let k = 0; k < R; k++) {
        const lp = d[so + k] - m - lden;
        logp[s * R + k] = lp;
        prob[s * R + k] = Math.exp(lp);
        e += k * prob[s * R + k];
      }
      E[s] = e;
    }
    // Targets in grid units of the anchor's level, rounded to float32 as the tensor version stores them.
    const st = anchors.stride[a];
    const px = anchors.points[2 * a];
    const py = anchors.points[2 * a + 1];
    const tb = [0, 1, 2, 3].map((k) => f(asg.targetBoxes[4 * i + k] / st));
    bbox2distInto(px, py, tb[0], tb[1], tb[2], tb[3], R, ltrb, 0);

    const ciou = ciouWithGrad(px - E[0], py - E[1], px + E[2], py + E[3], tb[0], tb[1], tb[2], tb[3], dBox);
    boxSum += (1 - ciou) * w;
    // d(box)/dE: pred x1 = px - E0, y1 = py - E1, x2 = px + E2, y2 = py + E3.
    const gE = [kBox * w * dBox[0], kBox * w * dBox[1], -kBox * w * dBox[2], -kBox * w * dBox[3]];

    const wq = w / 4;
    for (let s = 0; s < 4; s++) {
      const t = ltrb[s];
      const tl = Math.floor(t);
      const wl = f(tl + 1 - t);
      const Tl = wl * wq;
      const Tr = tl + 1 < R ? f(1 - wl) * wq : 0;
      dflSum -= Tl * logp[s * R + tl] + (Tr !== 0 ? Tr * logp[s * R + tl + 1] : 0);
      const so = o + s * R;
      for (let k = 0; k < R; k++) {
        const pk = prob[s * R + k];
        let gk = kDfl * (pk * (Tl + Tr) - (k === tl ? Tl : k === tl + 1 ? Tr : 0));
        gk += gE[s] * pk * (k - E[s]);
        if (wg) g[so + k] = gk;
      }
    }
  }
  return { items: [(boxSum / tss) * hyp.box, (clsSum / tss) * hyp.cls, (dflSum / tss) * hyp.dfl], grads };
}
