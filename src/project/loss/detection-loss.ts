import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered, ops } from '../backend/ops';
import { makeAnchors } from '../model/anchors';
import { assignTargets } from './assigner';
import { emptyAssignment, summarize } from './assignment-summary';
import { autodiffLoss } from './autodiff-loss';
import { detachedPredictions } from './detached-predictions';
import type { DetectionLossOptions, DetectionLossResult } from './detection-loss-types';
import { headLossWithGrad } from './head-loss';
import { resolveHyp } from './hyp';
import { gatherTargets, type LossTargets } from './targets';

export type { DetectionLossDebug, DetectionLossOptions, DetectionLossResult } from './detection-loss-types';

/**
 * YOLOv8 detection loss, the equivalent of ultralytics 8.0.200 `v8DetectionLoss.__call__`:
 *   box = sum_fg w * (1 - CIoU) / N,  cls = sum_all BCE(logit, target score) / N,
 *   dfl = sum_fg w * mean_sides DFL / N,  N = max(sum of target scores, 1),
 *   total = (7.5 box + 0.5 cls + 1.5 dfl) * batch size.
 * The assignment (TaskAlignedAssigner, assigner.ts) runs in plain JS on detached copies of the
 * predictions (detached-predictions.ts; no gradient flows through it). The terms and their gradient then
 * come in closed form from one pass over the head outputs (head-loss.ts), or as tfjs ops differentiated
 * by tfjs (autodiff-loss.ts, `gradient: 'autodiff'`).
 */

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
  // the reference derives the image size from the first level, as here
  const imgsz: [number, number] = [shapes[0][0] * strides[0], shapes[0][1] * strides[0]];

  // per level [B*h*w, no] values, read without copying where the engine allows
  const data = feats.map((t) => ops().readFloat32(t));
  const { scores, boxes, ensure } = detachedPredictions(data, anchors, B, regMax, nc);
  const gt = gatherTargets(targets, B, imgsz, nc);
  const asg = assignTargets({ batch: B, nc, anchors, scores, boxes, gt, hyp, ensure });
  const tss = Math.max(asg.targetScoresSum, 1);
  let result: DetectionLossResult;
  if (opts.gradient !== 'autodiff') {
    const r = headLossWithGrad({ data, anchors, batch: B, nc, regMax, assignment: asg, hyp, withGrad: !opts.valueOnly });
    const total = (r.items[0] + r.items[1] + r.items[2]) * B;
    result = { loss: opts.valueOnly ? tf.scalar(total) : closedFormLoss(feats, total, r.grads), items: r.items };
  } else {
    result = autodiffLoss({ feats, assignment: asg, anchors, nc, regMax, hyp });
  }
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
