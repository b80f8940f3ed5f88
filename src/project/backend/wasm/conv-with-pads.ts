import * as tf from '@tensorflow/tfjs-core';
import { KernelCaller } from './kernel-call';

/**
 * The one forward conv the input-gradient paths run (tfjs's Conv2D kernel on XNNPACK): dy is cropped where
 * a pad is negative and padded implicitly (no padded copy) where it is positive.
 */

/** Stride-1 forward conv after padding (positive) or cropping (negative) dy. */
export function convWithPads(
  k: KernelCaller,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  pads: [number, number, number, number],
  dilations: [number, number],
): tf.TensorInfo {
  const crop: [number, number, number, number] = [
    Math.min(pads[0], 0), Math.min(pads[1], 0), Math.min(pads[2], 0), Math.min(pads[3], 0),
  ];
  const cropped = k.padOrCropHW(x, crop);
  // Positive padding goes to XNNPACK as implicit padding: no padded copy.
  const out = k.run('Conv2D', { x: cropped, filter }, {
    strides: [1, 1],
    dilations,
    pad: [[0, 0], [Math.max(pads[0], 0), Math.max(pads[1], 0)], [Math.max(pads[2], 0), Math.max(pads[3], 0)], [0, 0]],
    dataFormat: 'NHWC',
  });
  if (cropped !== x) k.free(cropped);
  return out;
}
