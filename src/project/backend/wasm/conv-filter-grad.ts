import * as tf from '@tensorflow/tfjs-core';
import { assertSupported, ConvGeometry } from './conv-geometry';
import { fillColumns, mod, Tap } from './filter-grad-columns';
import { KernelCaller } from './kernel-call';

/**
 * dW (tfjs's Conv2DBackpropFilter) as forward convolutions, so that it runs on XNNPACK's fast forward
 * kernel instead of the wasm backend's naive loops.
 */

/**
 * dW as ONE GEMM on XNNPACK: dW[(kh,kw,ci), co] = sum_{(n,o,p)} cols[(kh,kw,ci), (n,o,p)] * dy[(n,o,p), co],
 * i.e. a 1x1 conv over a [KH*KW*Cin, 1, 1, N*Ho*Wo] "image" whose filter is dy itself, untransposed; its
 * output is dW in HWIO, untransposed. cols (im2col with the taps outermost) is built by plain copies:
 * the input is first transposed once so that every (tap, channel, image) is a contiguous plane,
 *   xt[i, j*Cin + ci, n*Hs + r, q] = x[n, r*sh + i, q*sw + j, ci]   (Hs = H/sh, Ws = W/sw),
 * and a tap's plane is that plane shifted by whole rows and columns (zeros where the forward padded).
 * Earlier forms (a forward conv with batch and channels swapped) made XNNPACK pack a dy-sized filter
 * with only N values per tap, and ran stride-2 layers at 2-5 GFLOP/s.
 */
export function conv2dBackpropFilterInfo(
  k: KernelCaller,
  x: tf.TensorInfo, // [N, H, W, Cin]
  dy: tf.TensorInfo, // [N, Ho, Wo, Cout]
  filterShape: [number, number, number, number], // [KH, KW, Cin, Cout]
  g: ConvGeometry,
  colsMaxFloats = COLS_MAX_FLOATS,
): tf.TensorInfo {
  assertSupported(g, 'conv2dBackpropFilter');
  const [kh, kw, cin, cout] = filterShape;
  const [n, h, w] = x.shape;
  const [, ho, wo] = dy.shape;
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  const { top, bottom, left, right } = g.pads;
  if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && top === 0 && bottom === 0 && left === 0 && right === 0 && ho === h && wo === w) {
    return pointwiseFilterGrad(k, x, dy, cin, cout);
  }
  // Zeros at the back up to whole stride multiples: the forward read zeros (padding) there too.
  const hs = Math.ceil(h / sh);
  const ws = Math.ceil(w / sw);
  const xp = k.padOrCropHW(x, [0, hs * sh - h, 0, ws * sw - w]);
  const x4 = k.reshape(xp, [n * hs, sh, ws, sw * cin]);
  if (xp !== x) k.free(xp);
  const xt = k.transpose(x4, [1, 3, 0, 2]); // [sh, sw*Cin, N*Hs, Ws]
  k.free(x4);
  const kk = n * ho * wo;
  const taps: Tap[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const ro = a * dh - top;
      const co = b * dw - left;
      const i = mod(ro, sh);
      const j = mod(co, sw);
      taps.push({ plane0: (i * sw + j) * cin, rowShift: (ro - i) / sh, colShift: (co - j) / sw });
    }
  }
  const filt = k.reshape(dy, [1, 1, kk, cout]);
  // Bounded im2col: taps in groups of at most COLS_MAX_FLOATS values, one GEMM each (same packed filter).
  const perTap = cin * kk;
  const group = Math.max(1, Math.floor(colsMaxFloats / perTap));
  const parts: tf.TensorInfo[] = [];
  for (let t0 = 0; t0 < taps.length; t0 += group) {
    const tg = taps.slice(t0, t0 + group);
    const cols = k.empty([tg.length * cin, 1, 1, kk]);
    fillColumns(k, xt, cols, tg, { cin, n, hs, ws, ho, wo });
    parts.push(k.run('Conv2D', { x: cols, filter: filt }, { strides: [1, 1], dilations: [1, 1], pad: 'valid', dataFormat: 'NHWC' }));
    k.free(cols);
  }
  k.free(xt, filt);
  const out = parts.length === 1 ? parts[0] : k.run('Concat', parts, { axis: 0 }); // [KH*KW*Cin, 1, 1, Cout]
  if (parts.length > 1) k.free(...parts);
  const dW = k.reshape(out, [kh, kw, cin, cout]);
  k.free(out);
  return dW;
}

/** Largest im2col buffer (floats, 128 MiB) built at once; larger ones are split by taps. */
export const COLS_MAX_FLOATS = 1 << 25;

/** 1x1, stride 1, no padding: dW[0,0] = X^T dy, as a 1x1 conv over a [Cin, 1, 1, N*H*W] "image". */
function pointwiseFilterGrad(k: KernelCaller, x: tf.TensorInfo, dy: tf.TensorInfo, cin: number, cout: number): tf.TensorInfo {
  const m = x.shape[0] * x.shape[1] * x.shape[2];
  const x2 = k.reshape(x, [m, cin]);
  const xt = k.transpose(x2, [1, 0]); // [Cin, NHW]
  k.free(x2);
  const xr = k.reshape(xt, [cin, 1, 1, m]);
  k.free(xt);
  const f = k.reshape(dy, [1, 1, m, cout]);
  const out = k.run('Conv2D', { x: xr, filter: f }, { strides: [1, 1], dilations: [1, 1], pad: 'valid', dataFormat: 'NHWC' });
  k.free(xr, f);
  const dW = k.reshape(out, [1, 1, cin, cout]);
  k.free(out);
  return dW;
}
