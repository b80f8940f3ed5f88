import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../backend/ops';

ensureGradientsRegistered(); // tfjs-core alone registers no gradients

/**
 * Complete IoU (Zheng et al. 2020): IoU - rho^2/c^2 - alpha*v, where rho is the centre distance, c the
 * diagonal of the smallest enclosing box, v = 4/pi^2 (atan(w2/h2) - atan(w1/h1))^2 and
 * alpha = v / (v - IoU + 1 + eps). eps = 1e-7 is added to the heights, the union and c^2.
 * alpha is a constant for the gradient (computed without gradient), as in the reference.
 */
export const CIOU_EPS = 1e-7;

const f = Math.fround;
const EPS32 = f(CIOU_EPS);
const ONE_PLUS_EPS32 = f(1 + CIOU_EPS);
const FOUR_OVER_PI2 = f(4 / (Math.PI * Math.PI));

/**
 * Scalar CIoU of two xyxy boxes, every step rounded to float32 in the reference's order of operations,
 * so that the assigner's ranking of anchors reproduces a float32 implementation.
 */
export function ciou32(
  ax1: number, ay1: number, ax2: number, ay2: number,
  bx1: number, by1: number, bx2: number, by2: number,
): number {
  const w1 = f(ax2 - ax1);
  const h1 = f(f(ay2 - ay1) + EPS32);
  const w2 = f(bx2 - bx1);
  const h2 = f(f(by2 - by1) + EPS32);
  const iw = Math.max(f(Math.min(ax2, bx2) - Math.max(ax1, bx1)), 0);
  const ih = Math.max(f(Math.min(ay2, by2) - Math.max(ay1, by1)), 0);
  const inter = f(iw * ih);
  const union = f(f(f(f(w1 * h1) + f(w2 * h2)) - inter) + EPS32);
  const iou = f(inter / union);
  const cw = f(Math.max(ax2, bx2) - Math.min(ax1, bx1));
  const ch = f(Math.max(ay2, by2) - Math.min(ay1, by1));
  const c2 = f(f(f(cw * cw) + f(ch * ch)) + EPS32);
  const dx = f(f(f(bx1 + bx2) - ax1) - ax2);
  const dy = f(f(f(by1 + by2) - ay1) - ay2);
  const rho2 = f(f(f(dx * dx) + f(dy * dy)) / 4);
  const da = f(f(Math.atan(f(w2 / h2))) - f(Math.atan(f(w1 / h1))));
  const v = f(FOUR_OVER_PI2 * f(da * da));
  const alpha = f(v / f(f(v - iou) + ONE_PLUS_EPS32));
  return f(iou - f(f(rho2 / c2) + f(v * alpha)));
}

/** Identity whose gradient is zero: the reference computes CIoU's alpha under no_grad. */
const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/** Differentiable CIoU of matching rows of two [N, 4] xyxy tensors -> [N]. */
export function ciou(box1: tf.Tensor2D, box2: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const [b1x1, b1y1, b1x2, b1y2] = tf.unstack(box1, 1);
    const [b2x1, b2y1, b2x2, b2y2] = tf.unstack(box2, 1);
    const w1 = tf.sub(b1x2, b1x1);
    const h1 = tf.add(tf.sub(b1y2, b1y1), CIOU_EPS);
    const w2 = tf.sub(b2x2, b2x1);
    const h2 = tf.add(tf.sub(b2y2, b2y1), CIOU_EPS);
    // clamp (not relu) so that a zero overlap passes gradient like torch's clamp_(0)
    const iw = tf.clipByValue(tf.sub(tf.minimum(b1x2, b2x2), tf.maximum(b1x1, b2x1)), 0, Infinity);
    const ih = tf.clipByValue(tf.sub(tf.minimum(b1y2, b2y2), tf.maximum(b1y1, b2y1)), 0, Infinity);
    const inter = tf.mul(iw, ih);
    const union = tf.add(tf.sub(tf.add(tf.mul(w1, h1), tf.mul(w2, h2)), inter), CIOU_EPS);
    const iou = tf.div(inter, union);
    const cw = tf.sub(tf.maximum(b1x2, b2x2), tf.minimum(b1x1, b2x1));
    const ch = tf.sub(tf.maximum(b1y2, b2y2), tf.minimum(b1y1, b2y1));
    const c2 = tf.add(tf.add(tf.square(cw), tf.square(ch)), CIOU_EPS);
    const dx = tf.sub(tf.sub(tf.add(b2x1, b2x2), b1x1), b1x2);
    const dy = tf.sub(tf.sub(tf.add(b2y1, b2y2), b1y1), b1y2);
    const rho2 = tf.div(tf.add(tf.square(dx), tf.square(dy)), 4);
    const v = tf.mul(FOUR_OVER_PI2, tf.square(tf.sub(tf.atan(tf.div(w2, h2)), tf.atan(tf.div(w1, h1)))));
    const alpha = stopGradient(tf.div(v, tf.add(tf.sub(v, iou), 1 + CIOU_EPS)));
    return tf.sub(iou, tf.add(tf.div(rho2, c2), tf.mul(v, alpha))) as tf.Tensor1D;
  });
}
