import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../backend/ops';
import { bbox2distInto, dflDecode, dist2bbox, type Anchors } from '../model/anchors';
import type { Assignment } from './assigner';
import { bceWithLogits } from './bce';
import { ciou } from './ciou';
import { dflLoss, dflTargetWeights } from './dfl';
import { gatherRows } from './gather-rows';
import type { LossHyp } from './hyp';

ensureGradientsRegistered(); // tfjs-core alone registers no gradients

/**
 * The three terms of ultralytics 8.0.200 v8DetectionLoss.__call__ (with BboxLoss.forward) as tfjs ops,
 * differentiated by tfjs: `detectionLoss` with `gradient: 'autodiff'`, the tests' independent check of
 * the closed form (head-loss.ts). Given the assignment as constant targets, N = max(sum of target scores, 1):
 *   cls = sum_{all anchors, classes} BCE(logit, target score) / N
 *   box = sum_fg w (1 - CIoU(dist2bbox(DFL(dist), anchor), target box)) / N       (grid units of the level)
 *   dfl = sum_fg w mean_sides DFL(dist, bbox2dist(anchor, target box, regMax - 1)) / N
 * each times its gain; the returned total is (box + cls + dfl) * B.
 */

export interface AutodiffLossInput {
  /** Per level, the head output [B, h, w, 4*regMax + nc] (NHWC). */
  feats: tf.Tensor4D[];
  assignment: Assignment;
  anchors: Anchors;
  nc: number;
  regMax: number;
  hyp: Pick<LossHyp, 'box' | 'cls' | 'dfl'>;
}

export function autodiffLoss(inp: AutodiffLossInput): { loss: tf.Scalar; items: [number, number, number] } {
  const { feats, assignment: asg, anchors, nc, regMax, hyp } = inp;
  const B = feats[0].shape[0];
  const A = anchors.count;
  const no = 4 * regMax + nc;
  const tss = Math.max(asg.targetScoresSum, 1);
  const c = buildConstants(asg, anchors, rowIndexer(anchors, B), B * A, nc, regMax);

  let items: [number, number, number] = [0, 0, 0];
  const loss = tf.tidy(() => {
    const flat = tf.concat(feats.map((t) => tf.reshape(t, [B * t.shape[1] * t.shape[2], no])), 0) as tf.Tensor2D; // [B*A, no]
    // the class channels through a 0/1 matrix: a channel slice is slow on tfjs-cpu, a matmul is fast everywhere
    const logits = tf.matMul(flat, tf.tensor2d(channelSelector(no, 4 * regMax, nc), [no, nc])); // [B*A, nc]
    const clsSum = tf.sum(bceWithLogits(logits, tf.tensor2d(c.targetScores, [B * A, nc])));
    const cls = tf.mul(tf.div(clsSum, tss), hyp.cls) as tf.Scalar;
    let box: tf.Scalar = tf.scalar(0);
    let dfl: tf.Scalar = tf.scalar(0);
    const F = c.rows.length;
    if (F > 0) {
      const dist = tf.slice(gatherRows(flat, c.rows), [0, 0], [F, 4 * regMax]); // [F, 4*regMax]
      const pred = dist2bbox(dflDecode(dist, regMax), tf.tensor2d(c.points, [F, 2]), false) as tf.Tensor2D; // [F, 4] xyxy
      const iou = ciou(pred, tf.tensor2d(c.targetBoxes, [F, 4])); // [F]
      const w = tf.tensor1d(c.weights);
      box = tf.mul(tf.div(tf.sum(tf.mul(tf.sub(1, iou), w)), tss), hyp.box) as tf.Scalar;
      const T = tf.tensor2d(dflTargetWeights(c.ltrb, c.weights, regMax), [F * 4, regMax]);
      dfl = tf.mul(tf.div(dflLoss(tf.reshape(dist, [F * 4, regMax]) as tf.Tensor2D, T), tss), hyp.dfl) as tf.Scalar;
    }
    items = [box.dataSync()[0], cls.dataSync()[0], dfl.dataSync()[0]];
    return tf.mul(tf.addN([box, cls, dfl]), B) as tf.Scalar;
  });
  return { loss, items };
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
  const targetScores = new Float32Array(rows * nc); // [B*A, nc]
  const keep: number[] = [];
  for (let i = 0; i < asg.numFg; i++) {
    targetScores[row(asg.fgImage[i], asg.fgAnchor[i]) * nc + asg.fgLabel[i]] = asg.fgWeight[i];
    if (asg.fgWeight[i] > 0) keep.push(i);
  }
  const F = keep.length;
  const rowIdx = new Int32Array(F);
  const points = new Float32Array(F * 2); // [F, 2]
  const targetBoxes = new Float32Array(F * 4); // [F, 4] grid units of the anchor's level
  const weights = new Float32Array(F);
  const ltrb = new Float32Array(F * 4); // [F, 4] bbox2dist, clamped to regMax - 1 - 0.01
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
