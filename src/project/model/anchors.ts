import * as tf from '@tensorflow/tfjs-core';

/**
 * Anchor points and the box <-> distance transforms of YOLOv8's anchor-free head.
 *
 * Anchors sit at cell centres (+0.5 by default) in grid units of their own level, ordered level-major
 * (stride 8, 16, 32) then row-major (y, x) inside a level: the order of the head outputs flattened as
 * [B, h*w, C] per level and concatenated. Multiply a grid-unit point by its stride to get pixels.
 */

export interface Anchors {
  /** [A, 2] (x, y) in grid units of the anchor's own level. */
  points: Float32Array;
  /** [A] the stride of the level each anchor belongs to. */
  stride: Float32Array;
  /** Anchors per level, in level order. */
  perLevel: number[];
  /** [h, w] of each level. */
  shapes: [number, number][];
  /** Stride of each level. */
  strides: number[];
  count: number;
}

/** `featShapes[i]` = [h, w] of level i. */
export function makeAnchors(featShapes: [number, number][], strides: number[], offset = 0.5): Anchors {
  if (featShapes.length !== strides.length) {
    throw new Error(`makeAnchors: ${featShapes.length} feature shapes but ${strides.length} strides`);
  }
  const perLevel = featShapes.map(([h, w]) => h * w);
  const count = perLevel.reduce((a, b) => a + b, 0);
  const points = new Float32Array(count * 2);
  const stride = new Float32Array(count);
  let k = 0;
  featShapes.forEach(([h, w], l) => {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++, k++) {
        points[2 * k] = x + offset;
        points[2 * k + 1] = y + offset;
        stride[k] = strides[l];
      }
    }
  });
  return { points, stride, perLevel, shapes: featShapes.map(([h, w]) => [h, w] as [number, number]), strides: [...strides], count };
}

/** Tensor form of `makeAnchors`: points [A, 2] and stride [A, 1] (broadcasts over [.., A, 4]). */
export function anchorTensors(
  featShapes: [number, number][],
  strides: number[],
  offset = 0.5,
): { points: tf.Tensor2D; stride: tf.Tensor2D } {
  const a = makeAnchors(featShapes, strides, offset);
  return { points: tf.tensor2d(a.points, [a.count, 2]), stride: tf.tensor2d(a.stride, [a.count, 1]) };
}

/**
 * DFL decoding: [..., 4 * regMax] logits (side-major: l, t, r, b, each regMax bins) -> [..., 4] distances,
 * the expectation of bin index under softmax over the bins.
 */
export function dflDecode(logits: tf.Tensor, regMax = 16): tf.Tensor {
  return tf.tidy(() => {
    const shape = logits.shape;
    const c = shape[shape.length - 1];
    if (c !== 4 * regMax) throw new Error(`dflDecode: last dimension is ${c}, expected 4*regMax = ${4 * regMax}`);
    const lead = shape.slice(0, -1);
    const p = tf.softmax(tf.reshape(logits, [...lead, 4, regMax]), -1);
    const proj = tf.range(0, regMax, 1, 'float32');
    return tf.sum(tf.mul(p, proj), -1);
  });
}

/**
 * Typed-array DFL decoding of one anchor: reads 4 * regMax logits from `src` at `offset` (side-major)
 * and writes l, t, r, b to `out[outOffset..+4]`. Float32 results, accumulated in float64.
 */
export function dflDecodeInto(
  src: ArrayLike<number>,
  offset: number,
  regMax: number,
  out: Float32Array,
  outOffset: number,
): void {
  for (let s = 0; s < 4; s++) {
    const o = offset + s * regMax;
    let m = -Infinity;
    for (let j = 0; j < regMax; j++) if (src[o + j] > m) m = src[o + j];
    let den = 0;
    let num = 0;
    for (let j = 0; j < regMax; j++) {
      const e = Math.exp(src[o + j] - m);
      den += e;
      num += e * j;
    }
    out[outOffset + s] = num / den;
  }
}

/** ltrb distances [..., 4] + anchor points [..., 2] -> xyxy (or xywh) boxes [..., 4], in the points' units. */
export function dist2bbox(distance: tf.Tensor, anchorPoints: tf.Tensor, xywh = true): tf.Tensor {
  return tf.tidy(() => {
    const axis = distance.rank - 1;
    const [lt, rb] = tf.split(distance, 2, axis);
    const x1y1 = tf.sub(anchorPoints, lt);
    const x2y2 = tf.add(anchorPoints, rb);
    if (!xywh) return tf.concat([x1y1, x2y2], axis);
    return tf.concat([tf.div(tf.add(x1y1, x2y2), 2), tf.sub(x2y2, x1y1)], axis);
  });
}

/** Largest DFL target: just below the last bin so that the right neighbour bin (floor + 1) exists. */
export function dflTargetMax(regMax = 16): number {
  return Math.fround(regMax - 1 - 0.01);
}

/** xyxy boxes [..., 4] + anchor points [..., 2] -> ltrb distances [..., 4] clamped to [0, regMax - 1 - 0.01]. */
export function bbox2dist(anchorPoints: tf.Tensor, bbox: tf.Tensor, regMax = 16): tf.Tensor {
  return tf.tidy(() => {
    const axis = bbox.rank - 1;
    const [x1y1, x2y2] = tf.split(bbox, 2, axis);
    const d = tf.concat([tf.sub(anchorPoints, x1y1), tf.sub(x2y2, anchorPoints)], axis);
    return tf.clipByValue(d, 0, dflTargetMax(regMax));
  });
}

/** Scalar `bbox2dist` for one anchor: writes l, t, r, b (float32, clamped) to `out[o..o+4]`. */
export function bbox2distInto(
  ax: number,
  ay: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  regMax: number,
  out: Float32Array,
  o: number,
): void {
  const hi = dflTargetMax(regMax);
  const f = Math.fround;
  const d = [f(ax - x1), f(ay - y1), f(x2 - ax), f(y2 - ay)];
  for (let s = 0; s < 4; s++) out[o + s] = Math.min(Math.max(d[s], 0), hi);
}
