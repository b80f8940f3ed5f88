import * as tf from '@tensorflow/tfjs-core';
import { classBceWithGradJs, decodeHeadRowsJs, type ClassBceRows, type DecodedHeadRows } from './head-rows-reference';

export type { ClassBceRows, DecodedHeadRows } from './head-rows-reference';

/**
 * The engine seam. Model code calls only these ops (plus plain tfjs ops for the cheap glue), so the
 * engine underneath (wasm kernels, native oneDNN, webgpu, tfjs-node) can change without touching the
 * model. The implementations here are the portable reference: plain tfjs ops, differentiated by tfjs.
 * Faster engines replace them through `setOpsImpl` and must agree with this reference.
 *
 * Layout is NHWC everywhere; conv kernels are HWIO ([kh, kw, cin, cout]).
 */

/** Parameters of one ultralytics `Conv` block: Conv2d (no bias) + BatchNorm2d + optional SiLU. */
export interface ConvBnAct {
  w: tf.Variable; // [kh, kw, cin, cout]
  gamma: tf.Variable; // [cout]
  beta: tf.Variable; // [cout]
  runningMean: tf.Variable; // [cout], not trainable
  runningVar: tf.Variable; // [cout], not trainable
  stride: number;
  /** Explicit symmetric padding in pixels (ultralytics autopad: k // 2 * d). */
  pad: number;
  dilation: number;
  /** SiLU after BN (ultralytics Conv default); false gives Conv+BN only. */
  act: boolean;
  eps: number; // 1e-3 in ultralytics
  momentum: number; // 0.03 in ultralytics (PyTorch convention: new = (1-m)*old + m*batch)
}

export interface OpsImpl {
  /**
   * Conv+BN(+SiLU). `x` may be a list of tensors meaning their channel concatenation (in order):
   * engines can then avoid materialising the concat (sum of convs over input-channel slices).
   * In training mode BN uses batch statistics (biased variance for normalising) and updates the
   * running statistics in place with the unbiased variance, as PyTorch does; gradients flow to x,
   * w, gamma and beta.
   */
  convBnAct(x: tf.Tensor4D | tf.Tensor4D[], p: ConvBnAct, training: boolean): tf.Tensor4D;
  /** Plain conv with bias (the Detect head's final 1x1 convs). */
  conv2dBias(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, stride: number, pad: number): tf.Tensor4D;
  /** Max-pool k x k, stride 1, padding k//2 (SPPF). */
  maxPoolSame(x: tf.Tensor4D, k: number): tf.Tensor4D;
  /** Nearest-neighbour 2x upsample. */
  upsample2x(x: tf.Tensor4D): tf.Tensor4D;
  /** Channel concat. */
  concatChannels(xs: tf.Tensor4D[]): tf.Tensor4D;
  /** Channel split into consecutive parts of the given sizes. */
  splitChannels(x: tf.Tensor4D, sizes: number[]): tf.Tensor4D[];
  /** Channels begin..begin+size-1 of x (C2f's second half, whose first half is never used alone). */
  sliceChannels(x: tf.Tensor4D, begin: number, size: number): tf.Tensor4D;

  // Plain-JS work on the head outputs (the loss and the decoder), over rows [rows, no = 4*regMax + nc].
  /** The float32 values of `t`, [t.size], read only (an engine may hand out the tensor's own array). */
  readFloat32(t: tf.Tensor): Float32Array;
  /** A zero-filled Float32Array of n values (an engine may recycle one): the loss's gradient buffers. */
  zerosFloat32(n: number): Float32Array;
  /** DFL decode + sigmoid: head rows d [rows, no] -> scores [rows, nc], ltrb [rows, 4] in bins. */
  decodeHeadRows(d: Float32Array, rows: number, no: number, regMax: number, nc: number): DecodedHeadRows;
  /** Class BCE-with-logits summed over the levels' rows [rows, no] (classes at off..off+nc-1); k*dBCE/dx into grad. */
  classBceWithGrad(levels: ClassBceRows[], no: number, off: number, nc: number, k: number): number;
}

/**
 * tfjs-core's CommonJS build ships no gradient functions: they are registered by the `@tensorflow/tfjs`
 * union package (its only CommonJS build of `register_all_gradients`; tfjs-node loads it the same way).
 * Loading it costs ~0.1 s, prints nothing and leaves the chosen backend alone. Training needs it on
 * every backend, so the op seam loads it once.
 */
export function ensureGradientsRegistered(): void {
  if (tf.getGradient(tf.Conv2D)) return;
  require('@tensorflow/tfjs');
}
ensureGradientsRegistered();

function padSpec(pad: number): [[number, number], [number, number], [number, number], [number, number]] {
  return [[0, 0], [pad, pad], [pad, pad], [0, 0]];
}

function conv(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: number, dilation: number): tf.Tensor4D {
  // tfjs rejects stride > 1 together with dilation > 1, and its 'same' differs from PyTorch's explicit
  // padding for even sizes; explicit padding keeps the PyTorch geometry exactly.
  return tf.conv2d(x, w, stride, padSpec(pad) as unknown as 'valid', 'NHWC', dilation);
}

/**
 * k x k max-pool, stride 1, padding k//2, as a max over k shifted rows, then k shifted columns. Same
 * values as MaxPool; its gradient is a chain of Maximum gradients, which every backend gets right.
 * tfjs-wasm's MaxPoolGrad drops gradient when a window holds tied maxima, which SPPF's chained pools
 * produce on small maps (e.g. 2x2 at stride 32 for a 64 px input).
 */
export function maxPoolSameSeparable(x: tf.Tensor4D, k: number): tf.Tensor4D {
  return tf.tidy(() => {
    const p = Math.floor(k / 2);
    const [B, H, W, C] = x.shape;
    const rows = tf.pad(x, [[0, 0], [p, p], [0, 0], [0, 0]], -Infinity);
    let r = tf.slice(rows, [0, 0, 0, 0], [B, H, W, C]);
    for (let d = 1; d < k; d++) r = tf.maximum(r, tf.slice(rows, [0, d, 0, 0], [B, H, W, C]));
    const cols = tf.pad(r, [[0, 0], [0, 0], [p, p], [0, 0]], -Infinity);
    let out = tf.slice(cols, [0, 0, 0, 0], [B, H, W, C]);
    for (let d = 1; d < k; d++) out = tf.maximum(out, tf.slice(cols, [0, 0, d, 0], [B, H, W, C]));
    return out as tf.Tensor4D;
  });
}

export const referenceOps: OpsImpl = {
  convBnAct(x, p, training) {
    const xs = Array.isArray(x) ? x : [x];
    const { w, gamma, beta } = p;
    const y = tf.tidy(() => {
      const input = xs.length === 1 ? xs[0] : tf.concat(xs, 3);
      const z = conv(input, w as unknown as tf.Tensor4D, p.stride, p.pad, p.dilation);
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (training) {
        const m = tf.moments(z, [0, 1, 2]);
        mean = m.mean;
        variance = m.variance;
        // Variable.assign is not recorded on the gradient tape, so the running-stat update carries no gradient.
        const n = z.shape[0] * z.shape[1] * z.shape[2];
        const unbiased = tf.mul(variance, n / Math.max(n - 1, 1));
        p.runningMean.assign(tf.add(tf.mul(p.runningMean, 1 - p.momentum), tf.mul(mean, p.momentum)));
        p.runningVar.assign(tf.add(tf.mul(p.runningVar, 1 - p.momentum), tf.mul(unbiased, p.momentum)));
      } else {
        mean = p.runningMean;
        variance = p.runningVar;
      }
      const bn = tf.add(tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, p.eps))), gamma), beta) as tf.Tensor4D;
      return p.act ? (tf.mul(bn, tf.sigmoid(bn)) as tf.Tensor4D) : bn;
    });
    return y;
  },
  conv2dBias(x, w, b, stride, pad) {
    return tf.tidy(() => tf.add(conv(x, w, stride, pad, 1), b) as tf.Tensor4D);
  },
  maxPoolSame(x, k) {
    return maxPoolSameSeparable(x, k);
  },
  upsample2x(x) {
    // The cpu backend's ResizeNearestNeighborGrad is wrong for batch > 1 (tfjs 4.22), so on cpu the
    // same values come from a broadcast, whose gradient is a plain sum.
    if (tf.getBackend() === 'cpu') {
      const [B, H, W, C] = x.shape;
      return tf.tidy(() => tf.reshape(tf.mul(tf.reshape(x, [B, H, 1, W, 1, C]), tf.ones([1, 1, 2, 1, 2, 1])), [B, 2 * H, 2 * W, C]));
    }
    return tf.image.resizeNearestNeighbor(x, [x.shape[1] * 2, x.shape[2] * 2]);
  },
  concatChannels(xs) {
    return tf.concat(xs, 3);
  },
  splitChannels(x, sizes) {
    return tf.split(x, sizes, 3);
  },
  sliceChannels(x, begin, size) {
    return tf.slice(x, [0, 0, 0, begin], [-1, -1, -1, size]);
  },
  readFloat32(t) {
    if (t.dtype !== 'float32') throw new Error(`readFloat32: expected a float32 tensor, got ${t.dtype}`);
    const d = t.dataSync();
    return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
  },
  zerosFloat32: (n) => new Float32Array(n),
  decodeHeadRows: decodeHeadRowsJs,
  classBceWithGrad: classBceWithGradJs,
};

let impl: OpsImpl = referenceOps;

/** Engines install their faster ops here (all or some; missing ones fall back to the reference). */
export function setOpsImpl(partial: Partial<OpsImpl> | null): void {
  impl = partial ? { ...referenceOps, ...partial } : referenceOps;
}

export function ops(): OpsImpl {
  return impl;
}
