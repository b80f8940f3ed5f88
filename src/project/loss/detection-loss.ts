import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../backend/ops';
import { f32, zeros } from '../backend/native/memory';
import { activeAddon } from '../backend/native/active-addon';
import { bbox2distInto, dflDecode, dflDecodeInto, dist2bbox, makeAnchors, type Anchors } from '../model/anchors';
import { assignTargets, type Assignment } from './assigner';
import { bceWithLogits } from './bce';
import { ciou } from './ciou';
import { dflLoss, dflTargetWeights } from './dfl';
import { gatherRows } from './gather-rows';
import { headLossWithGrad } from './head-loss';
import { resolveHyp, type LossHyp } from './hyp';
import { gatherTargets, type LossTargets } from './targets';

/**
 * YOLOv8 detection loss, the equivalent of ultralytics 8.0.200 `v8DetectionLoss`:
 *   box = sum_fg w * (1 - CIoU) / N,  cls = sum_all BCE(logit, target score) / N,
 *   dfl = sum_fg w * mean_sides DFL / N,  N = max(sum of target scores, 1),
 *   total = (7.5 box + 0.5 cls + 1.5 dfl) * batch size.
 * The assignment runs in plain JS on detached copies of the predictions (no gradient flows through it);
 * only the three terms above are tensor ops, with the assignment as constant targets.
 */

export interface DetectionLossOptions {
  /** [H, W] of the input images in pixels (must equal the first level's size times its stride). */
  imgsz: [number, number];
  nc: number;
  /** Stride of each level; default [8, 16, 32]. */
  strides?: number[];
  /** DFL bins per side; default 16. */
  regMax?: number;
  hyp?: Partial<LossHyp>;
  /** Also return the assignment summary. */
  debug?: boolean;
  /**
   * How the gradient is obtained: 'closed-form' (default) computes the terms and their gradient in one
   * pass over the head outputs (head-loss.ts); 'autodiff' builds them from tfjs ops and lets tfjs
   * differentiate (the independent check of the closed form in the tests).
   */
  gradient?: 'closed-form' | 'autodiff';
  /** Only the values are needed (validation): no gradient is computed and `loss` is a constant. */
  valueOnly?: boolean;
}

export interface DetectionLossDebug {
  targetScoresSum: number;
  /** max(targetScoresSum, 1): the normaliser of all three terms. */
  targetScoresSumUsed: number;
  /** Foreground anchors, weight-0 ones included. */
  numFg: number;
  /** Foreground anchors with weight > 0 (the ones that change the loss). */
  numFgWeighted: number;
  /** [image, anchor] of every foreground anchor, anchors level-major then row-major. */
  fgAnchors: [number, number][];
  fgWeights: number[];
}

export interface DetectionLossResult {
  /** Total loss, multiplied by the batch size as ultralytics does. */
  loss: tf.Scalar;
  /** [box, cls, dfl] with gains applied, not multiplied by the batch size. */
  items: [number, number, number];
  debug?: DetectionLossDebug;
}

const f = Math.fround;

// the loss is meant to be differentiated, and tfjs-core alone registers no gradients
ensureGradientsRegistered();

/**
 * `feats`: one NHWC tensor per level, [B, h, w, 4*regMax + nc]: channels 0..4*regMax-1 are DFL logits
 * (side = c / regMax: left, top, right, bottom), then class logits.
 */
export function detectionLoss(feats: tf.Tensor4D[], targets: LossTargets, opts: DetectionLossOptions): DetectionLossResult {
  const regMax = opts.regMax ?? 16;
  const nc = opts.nc;
  const strides = opts.strides ?? [8, 16, 32];
  const hyp = resolveHyp(opts.hyp);
  const no = 4 * regMax + nc;
  checkFeats(feats, strides, no, opts.imgsz);
  const B = feats[0].shape[0];
  if (B === 0) {
    // still a function of the inputs, so that a gradient call gets (zero-size) gradients, not an error
    const loss = tf.tidy(() => tf.mul(tf.addN(feats.map((t) => tf.sum(t))), 0) as tf.Scalar);
    return { loss, items: [0, 0, 0], ...(opts.debug ? { debug: summarize(emptyAssignment(), 1) } : {}) };
  }
  const shapes = feats.map((t) => [t.shape[1], t.shape[2]] as [number, number]);
  const anchors = makeAnchors(shapes, strides);
  const A = anchors.count;
  // the reference derives the image size from the first level, as here
  const imgsz: [number, number] = [shapes[0][0] * strides[0], shapes[0][1] * strides[0]];

  const { data, scores, boxes, ensure } = lazyDecoder(feats, anchors, regMax, nc);
  const gt = gatherTargets(targets, B, imgsz, nc);
  const asg = assignTargets({ batch: B, nc, anchors, scores, boxes, gt, hyp, ensure });
  const tss = Math.max(asg.targetScoresSum, 1);
  if (opts.gradient !== 'autodiff') {
    const addon = activeAddon();
    const r = headLossWithGrad({ data, anchors, batch: B, nc, regMax, assignment: asg, hyp, zeros, withGrad: !opts.valueOnly, clsBce: addon?.clsBce });
    const total = (r.items[0] + r.items[1] + r.items[2]) * B;
    const result: DetectionLossResult = { loss: opts.valueOnly ? tf.scalar(total) : closedFormLoss(feats, total, r.grads), items: r.items };
    if (opts.debug) result.debug = summarize(asg, tss);
    return result;
  }
  const c = buildConstants(asg, anchors, rowIndexer(anchors, B), B * A, nc, regMax);

  let items: [number, number, number] = [0, 0, 0];
  const loss = tf.tidy(() => {
    const flat = tf.concat(feats.map((t) => tf.reshape(t, [B * t.shape[1] * t.shape[2], no])), 0) as tf.Tensor2D;
    // the class channels through a 0/1 matrix: a channel slice is slow on tfjs-cpu, a matmul is fast everywhere
    const logits = tf.matMul(flat, tf.tensor2d(channelSelector(no, 4 * regMax, nc), [no, nc]));
    const clsSum = tf.sum(bceWithLogits(logits, tf.tensor2d(c.targetScores, [B * A, nc])));
    const cls = tf.mul(tf.div(clsSum, tss), hyp.cls) as tf.Scalar;
    let box: tf.Scalar = tf.scalar(0);
    let dfl: tf.Scalar = tf.scalar(0);
    const F = c.rows.length;
    if (F > 0) {
      const dist = tf.slice(gatherRows(flat, c.rows), [0, 0], [F, 4 * regMax]); // [F, 4*regMax]
      const pred = dist2bbox(dflDecode(dist, regMax), tf.tensor2d(c.points, [F, 2]), false) as tf.Tensor2D;
      const iou = ciou(pred, tf.tensor2d(c.targetBoxes, [F, 4]));
      const w = tf.tensor1d(c.weights);
      box = tf.mul(tf.div(tf.sum(tf.mul(tf.sub(1, iou), w)), tss), hyp.box) as tf.Scalar;
      const T = tf.tensor2d(dflTargetWeights(c.ltrb, c.weights, regMax), [F * 4, regMax]);
      dfl = tf.mul(tf.div(dflLoss(tf.reshape(dist, [F * 4, regMax]) as tf.Tensor2D, T), tss), hyp.dfl) as tf.Scalar;
    }
    items = [box.dataSync()[0], cls.dataSync()[0], dfl.dataSync()[0]];
    return tf.mul(tf.addN([box, cls, dfl]), B) as tf.Scalar;
  });

  const result: DetectionLossResult = { loss, items };
  if (opts.debug) result.debug = summarize(asg, tss);
  return result;
}

function checkFeats(feats: tf.Tensor4D[], strides: number[], no: number, imgsz: [number, number] | undefined): void {
  if (feats.length === 0) throw new Error('detectionLoss: no feature maps');
  if (feats.length !== strides.length) throw new Error(`detectionLoss: ${feats.length} feature maps but ${strides.length} strides`);
  const B = feats[0].shape[0];
  feats.forEach((t, i) => {
    if (t.rank !== 4) throw new Error(`detectionLoss: level ${i} has rank ${t.rank}, expected NHWC rank 4`);
    if (t.shape[0] !== B) throw new Error(`detectionLoss: level ${i} has batch ${t.shape[0]}, level 0 has ${B}`);
    if (t.shape[3] !== no) throw new Error(`detectionLoss: level ${i} has ${t.shape[3]} channels, expected 4*regMax + nc = ${no} (NHWC)`);
  });
  if (imgsz) {
    const [h, w] = [feats[0].shape[1] * strides[0], feats[0].shape[2] * strides[0]];
    if (imgsz[0] !== h || imgsz[1] !== w) {
      throw new Error(`detectionLoss: imgsz [${imgsz}] disagrees with level 0 (${feats[0].shape[1]}x${feats[0].shape[2]} at stride ${strides[0]} = [${h},${w}])`);
    }
  }
}

/**
 * Lazy detached decoding: sigmoid scores [B, A, nc] and predicted xyxy pixel boxes [B, A, 4], float32,
 * filled by `ensure(b, a)` for the anchors the assigner looks at (those inside some gt box).
 */
function lazyDecoder(feats: tf.Tensor4D[], anchors: Anchors, regMax: number, nc: number) {
  const B = feats[0].shape[0];
  const A = anchors.count;
  const no = 4 * regMax + nc;
  // engine reads: on the native backend, dataSync would mark the arrays as user-held and keep them out of its pool
  const data = feats.map((t) => f32(t));
  const level = new Int32Array(A);
  const start: number[] = [];
  let base = 0;
  anchors.perLevel.forEach((n, l) => {
    start.push(base);
    level.fill(l, base, base + n);
    base += n;
  });
  const scores = new Float32Array(B * A * nc);
  const boxes = new Float32Array(B * A * 4);
  const done = new Uint8Array(B * A);
  const ltrb = new Float32Array(4);
  // On the native engine every anchor is decoded up front in one vectorised pass per level (cheaper
  // than decoding the candidates one by one here); `ensure` then only places the values.
  const addon = activeAddon();
  const pre = addon
    ? data.map((d, l) => {
        const rows = B * anchors.perLevel[l];
        const s = new Float32Array(rows * nc);
        const t = new Float32Array(rows * 4);
        addon.decodeAnchors(rows, no, regMax, nc, d, s, t);
        return { s, t };
      })
    : undefined;
  const ensure = (b: number, a: number): void => {
    const ia = b * A + a;
    if (done[ia]) return;
    done[ia] = 1;
    const l = level[a];
    const row = b * anchors.perLevel[l] + a - start[l];
    const src = row * no;
    const d = data[l];
    if (pre) {
      // plain copies: a subarray view per anchor was the loss's largest source of garbage (0.8 MB a step)
      const { s: ps, t: pt } = pre[l];
      for (let j = 0; j < nc; j++) scores[ia * nc + j] = ps[row * nc + j];
      for (let k = 0; k < 4; k++) ltrb[k] = pt[row * 4 + k];
    } else {
      for (let j = 0; j < nc; j++) scores[ia * nc + j] = 1 / (1 + Math.exp(-d[src + 4 * regMax + j]));
      dflDecodeInto(d, src, regMax, ltrb, 0);
    }
    const s = anchors.stride[a];
    const ax = anchors.points[2 * a];
    const ay = anchors.points[2 * a + 1];
    boxes[ia * 4] = f(f(ax - ltrb[0]) * s);
    boxes[ia * 4 + 1] = f(f(ay - ltrb[1]) * s);
    boxes[ia * 4 + 2] = f(f(ax + ltrb[2]) * s);
    boxes[ia * 4 + 3] = f(f(ay + ltrb[3]) * s);
  };
  return { data, scores, boxes, ensure };
}


/** A scalar tensor of value `total` whose gradient with respect to feats[l] is dy * grads[l]. */
function closedFormLoss(feats: tf.Tensor4D[], total: number, grads: Float32Array[]): tf.Scalar {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.scalar(total),
    gradFunc: (dy: tf.Tensor) => {
      const s = dy.dataSync()[0];
      return grads.map((g, l) => tf.tensor(s === 1 ? g : g.map((v) => v * s), feats[l].shape, 'float32'));
    },
  }));
  return op(...feats) as tf.Scalar;
}

/**
 * Row of (image b, anchor a) in the level-major [sum_l B*h_l*w_l, C] stack of the head outputs: stacking
 * levels along the first axis keeps every slice contiguous (tfjs-cpu slices other axes element by element).
 */
function rowIndexer(anchors: Anchors, B: number): (b: number, a: number) => number {
  const rowBase = new Int32Array(anchors.count);
  const hw = new Int32Array(anchors.count);
  let base = 0;
  anchors.perLevel.forEach((n) => {
    for (let k = 0; k < n; k++) {
      rowBase[base + k] = B * base + k;
      hw[base + k] = n;
    }
    base += n;
  });
  return (b, a) => rowBase[a] + b * hw[a];
}

/** Constant targets of the differentiable terms; box terms only over anchors with weight > 0. */
function buildConstants(asg: Assignment, anchors: Anchors, row: (b: number, a: number) => number, rows: number, nc: number, regMax: number) {
  const targetScores = new Float32Array(rows * nc);
  const keep: number[] = [];
  for (let i = 0; i < asg.numFg; i++) {
    targetScores[row(asg.fgImage[i], asg.fgAnchor[i]) * nc + asg.fgLabel[i]] = asg.fgWeight[i];
    if (asg.fgWeight[i] > 0) keep.push(i);
  }
  const F = keep.length;
  const rowIdx = new Int32Array(F);
  const points = new Float32Array(F * 2);
  const targetBoxes = new Float32Array(F * 4); // grid units of the anchor's level
  const weights = new Float32Array(F);
  const ltrb = new Float32Array(F * 4);
  keep.forEach((i, k) => {
    const a = asg.fgAnchor[i];
    const s = anchors.stride[a];
    rowIdx[k] = row(asg.fgImage[i], a);
    points[2 * k] = anchors.points[2 * a];
    points[2 * k + 1] = anchors.points[2 * a + 1];
    for (let j = 0; j < 4; j++) targetBoxes[4 * k + j] = asg.targetBoxes[4 * i + j] / s;
    weights[k] = asg.fgWeight[i];
    bbox2distInto(points[2 * k], points[2 * k + 1], targetBoxes[4 * k], targetBoxes[4 * k + 1], targetBoxes[4 * k + 2], targetBoxes[4 * k + 3], regMax, ltrb, 4 * k);
  });
  return { targetScores, rows: rowIdx, points, targetBoxes, weights, ltrb };
}

/** [no, n] 0/1 matrix picking channels first..first+n-1. */
function channelSelector(no: number, first: number, n: number): Float32Array {
  const m = new Float32Array(no * n);
  for (let j = 0; j < n; j++) m[(first + j) * n + j] = 1;
  return m;
}

function emptyAssignment(): Assignment {
  const i = new Int32Array(0);
  return { numFg: 0, fgImage: i, fgAnchor: i, fgGt: i, fgLabel: i, fgWeight: new Float32Array(0), targetBoxes: new Float32Array(0), targetScoresSum: 0 };
}

function summarize(asg: Assignment, tss: number): DetectionLossDebug {
  const fgAnchors: [number, number][] = [];
  const fgWeights: number[] = [];
  let weighted = 0;
  for (let i = 0; i < asg.numFg; i++) {
    fgAnchors.push([asg.fgImage[i], asg.fgAnchor[i]]);
    fgWeights.push(asg.fgWeight[i]);
    if (asg.fgWeight[i] > 0) weighted++;
  }
  return {
    targetScoresSum: asg.targetScoresSum,
    targetScoresSumUsed: tss,
    numFg: asg.numFg,
    numFgWeighted: weighted,
    fgAnchors,
    fgWeights,
  };
}
