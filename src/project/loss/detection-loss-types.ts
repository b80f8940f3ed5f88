import type * as tf from '@tensorflow/tfjs-core';
import type { LossHyp } from './hyp';

/** Options, result and debug summary of `detectionLoss` (ultralytics 8.0.200 v8DetectionLoss). */

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
