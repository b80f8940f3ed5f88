import * as tf from '@tensorflow/tfjs-core';
import { REG_MAX } from './definition';
import { anchorTensors, dflDecode, dist2bbox } from './anchors';

/**
 * Inference decoding of the raw head maps, as ultralytics Detect does in eval mode: anchors at cell
 * centres (level-major, row-major), DFL expectation over reg_max bins, ltrb distances to cx, cy, w, h
 * scaled by the stride, sigmoid class scores.
 */

/** Level maps NHWC [B, h, w, C] -> [B, A, C], level-major then row-major (the anchor order). */
export function flattenLevels(feats: tf.Tensor4D[]): tf.Tensor3D {
  return tf.tidy(() => {
    const B = feats[0].shape[0];
    return tf.concat(feats.map((f) => tf.reshape(f, [B, f.shape[1] * f.shape[2], f.shape[3]])), 1) as tf.Tensor3D;
  });
}

/** feats: NHWC maps [B, h, w, 4*reg_max + nc] per level -> [B, 4 + nc, A] (cx, cy, w, h in pixels; scores). */
export function decodeHeads(feats: tf.Tensor4D[], strides: number[], nc: number): tf.Tensor3D {
  return tf.tidy(() => {
    const flat = flattenLevels(feats); // [B, A, 64+nc]
    const [boxLogits, clsLogits] = tf.split(flat, [4 * REG_MAX, nc], 2);
    const { points, stride } = anchorTensors(
      feats.map((f) => [f.shape[1], f.shape[2]] as [number, number]),
      strides,
    );
    const box = tf.mul(dist2bbox(dflDecode(boxLogits, REG_MAX), points, true), stride); // [B, A, 4]
    return tf.transpose(tf.concat([box, tf.sigmoid(clsLogits)], 2), [0, 2, 1]) as tf.Tensor3D;
  });
}
