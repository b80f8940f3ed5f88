import * as tf from '@tensorflow/tfjs-core';
import { REG_MAX } from './definition';
import { anchorTensors, dflDecode, dist2bbox, makeAnchors } from './anchors';
import { ops } from '../backend/ops';

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

/**
 * feats: NHWC maps [B, h, w, 4*reg_max + nc] per level -> [B, 4 + nc, A] (cx, cy, w, h in pixels; scores).
 * One pass over the maps' memory in plain JS (float64 arithmetic, float32 results): the result goes to
 * NMS on the CPU anyway, and the same decode as tensor ops (`decodeHeadsOps`, the reference in the
 * tests) was the slowest part of a validation pass. The DFL expectations and sigmoid scores come from the
 * ops seam's `decodeHeadRows` (on the native engine one vectorised pass per level, a third of the
 * plain-JS loop's time); the loop here only turns them into boxes and places them.
 */
export function decodeHeads(feats: tf.Tensor4D[], strides: number[], nc: number): tf.Tensor3D {
  const B = feats[0].shape[0];
  const no = 4 * REG_MAX + nc;
  const anchors = makeAnchors(feats.map((f) => [f.shape[1], f.shape[2]] as [number, number]), strides);
  const A = anchors.count;
  const out = new Float32Array(B * (4 + nc) * A); // [B, 4 + nc, A]
  const kern = ops();
  let start = 0;
  feats.forEach((f, l) => {
    if (f.shape[3] !== no) throw new Error(`decodeHeads: level ${l} has ${f.shape[3]} channels, expected ${no}`);
    const n = anchors.perLevel[l];
    // rows (b, p) of this level: scores [B*n, nc], ltrb [B*n, 4] in bins
    const { scores, ltrb, ensure } = kern.decodeHeadRows(kern.readFloat32(f), B * n, no, REG_MAX, nc);
    for (let b = 0; b < B; b++) {
      const o = b * (4 + nc) * A;
      for (let p = 0; p < n; p++) {
        const a = start + p;
        const row = b * n + p;
        ensure(row);
        const lo = row * 4;
        const s = anchors.stride[a];
        const ax = anchors.points[2 * a];
        const ay = anchors.points[2 * a + 1];
        const x1 = ax - ltrb[lo];
        const y1 = ay - ltrb[lo + 1];
        const x2 = ax + ltrb[lo + 2];
        const y2 = ay + ltrb[lo + 3];
        out[o + a] = ((x1 + x2) / 2) * s;
        out[o + A + a] = ((y1 + y2) / 2) * s;
        out[o + 2 * A + a] = (x2 - x1) * s;
        out[o + 3 * A + a] = (y2 - y1) * s;
        for (let j = 0; j < nc; j++) out[o + (4 + j) * A + a] = scores[row * nc + j];
      }
    }
    start += n;
  });
  return tf.tensor3d(out, [B, 4 + nc, A]);
}

/** `decodeHeads` as tfjs ops (differentiable; the tests' reference for the typed-array version). */
export function decodeHeadsOps(feats: tf.Tensor4D[], strides: number[], nc: number): tf.Tensor3D {
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
