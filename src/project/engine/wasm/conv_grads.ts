import * as tf from '@tensorflow/tfjs-core';
import { KernelCaller } from './kernel_call';

/**
 * Conv2D gradients as forward convolutions, so that they run on XNNPACK's fast forward kernel instead of
 * the wasm backend's naive loops. NHWC input, HWIO filter, explicit pads.
 *
 * Forward: y[n,o,p,co] = sum_{kh,kw,ci} x[n, o*sh + kh*dh - top, p*sw + kw*dw - left, ci] * w[kh,kw,ci,co].
 */
export interface ConvGeometry {
  strides: [number, number];
  dilations: [number, number];
  /** Explicit padding of the forward conv in pixels. */
  pads: { top: number; bottom: number; left: number; right: number };
}

/** Resolves any tfjs pad spec ('same', 'valid', a number, explicit pairs) to explicit pixels. */
export function convGeometry(
  xShape: number[],
  filterShape: number[],
  strides: number | [number, number],
  dilations: number | [number, number],
  pad: unknown,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): ConvGeometry & { outHeight: number; outWidth: number } {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad as 'valid',
    dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight, info.dilationWidth],
    pads: { top: info.padInfo.top, bottom: info.padInfo.bottom, left: info.padInfo.left, right: info.padInfo.right },
    outHeight: info.outHeight,
    outWidth: info.outWidth,
  };
}

function assertSupported(g: ConvGeometry, what: string): void {
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) {
    throw new Error(`${what}: strides > 1 together with dilations > 1 is not supported (as in tf.conv2d)`);
  }
}

/**
 * dW as ONE forward conv with batch and channels swapped:
 *   dW[kh,kw,ci,co] = sum_{o,p,n} X'[ci, kh*dh + o*sh, kw*dw + p*sw, n] * DY'[o,p,n,co]
 * with X' = the padded input transposed to [Cin,H,W,N] and DY' = dy transposed to [Ho,Wo,N,Cout]:
 * a conv with stride = the forward dilation and dilation = the forward stride.
 */
export function conv2dBackpropFilterInfo(
  k: KernelCaller,
  x: tf.TensorInfo, // [N, H, W, Cin]
  dy: tf.TensorInfo, // [N, Ho, Wo, Cout]
  filterShape: [number, number, number, number], // [KH, KW, Cin, Cout]
  g: ConvGeometry,
): tf.TensorInfo {
  assertSupported(g, 'conv2dBackpropFilter');
  const [kh, kw] = filterShape;
  const [, h, w] = x.shape;
  const [, ho, wo] = dy.shape;
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  // Only the rows/columns the forward conv touched: pad the front, crop or pad the back to exactly that extent.
  const needH = (kh - 1) * dh + (ho - 1) * sh + 1;
  const needW = (kw - 1) * dw + (wo - 1) * sw + 1;
  const xp = k.padOrCropHW(x, [g.pads.top, needH - g.pads.top - h, g.pads.left, needW - g.pads.left - w]);
  const xt = k.transpose(xp, [3, 1, 2, 0]); // [Cin, needH, needW, N]
  if (xp !== x) k.free(xp);
  const dyt = k.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Cout]
  const out = k.run('Conv2D', { x: xt, filter: dyt }, {
    strides: [dh, dw],
    dilations: [sh, sw],
    pad: 'valid',
    dataFormat: 'NHWC',
  }); // [Cin, KH, KW, Cout]
  k.free(xt, dyt);
  const dW = k.transpose(out, [1, 2, 0, 3]);
  k.free(out);
  return dW;
}

/** Taps of one stride phase along one axis: which filter taps reach output positions r, r+s, r+2s, ... */
interface Phase {
  /** First tap index in the reversed filter and how many taps (every s-th). */
  revBegin: number;
  taps: number;
  /** Output positions in this phase. */
  count: number;
  /** Padding of dy (front, back) so that a stride-1 valid conv yields `count` positions. */
  padFront: number;
  padBack: number;
}

/**
 * Along one axis with stride s, dilation 1: dx[r + s*a] = sum_m dy[a + c - m] * w[k0 + s*m] where
 * k0 = (r + pad) mod s and c = (r + pad - k0) / s. Reversing the tap order turns it into a correlation.
 */
function phaseOf(r: number, s: number, k: number, pad: number, inLen: number, dyLen: number): Phase {
  const count = Math.ceil((inLen - r) / s);
  const k0 = (((r + pad) % s) + s) % s;
  const taps = k0 >= k ? 0 : Math.ceil((k - k0) / s);
  const c = (r + pad - k0) / s;
  const padFront = taps - 1 - c;
  const padBack = count + taps - 1 - padFront - dyLen;
  // Reversed filter index of tap m' = taps-1-m:  k-1 - (k0 + s*(taps-1-m')) = revBegin + s*m'.
  const revBegin = k - 1 - k0 - s * (taps - 1);
  return { revBegin, taps, count, padFront, padBack };
}

/**
 * dX as forward convs with the flipped, in/out-swapped filter: one conv when the stride is 1 (any
 * dilation), otherwise one stride-1 conv per stride phase (sh*sw of them), interleaved afterwards.
 */
export function conv2dBackpropInputInfo(
  k: KernelCaller,
  dy: tf.TensorInfo, // [N, Ho, Wo, Cout]
  filter: tf.TensorInfo, // [KH, KW, Cin, Cout]
  inputShape: [number, number, number, number], // [N, H, W, Cin]
  g: ConvGeometry,
): tf.TensorInfo {
  assertSupported(g, 'conv2dBackpropInput');
  const [kh, kw, cin] = filter.shape;
  const [n, h, w] = inputShape;
  const [, ho, wo] = dy.shape;
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  const ft = k.transpose(filter, [0, 1, 3, 2]); // [KH, KW, Cout, Cin]
  const fr = k.run('Reverse', { x: ft }, { dims: [0, 1] });
  k.free(ft);

  if (sh === 1 && sw === 1) {
    const pt = (kh - 1) * dh - g.pads.top;
    const pl = (kw - 1) * dw - g.pads.left;
    const pads: [number, number, number, number] = [pt, h + (kh - 1) * dh - pt - ho, pl, w + (kw - 1) * dw - pl - wo];
    const out = convWithPads(k, dy, fr, pads, [dh, dw]);
    k.free(fr);
    return out;
  }

  const rowPhases = range(sh).map((r) => phaseOf(r, sh, kh, g.pads.top, h, ho));
  const colPhases = range(sw).map((q) => phaseOf(q, sw, kw, g.pads.left, w, wo));
  const rowsMax = Math.ceil(h / sh);
  const colsMax = Math.ceil(w / sw);
  const rowBlocks: tf.TensorInfo[] = [];
  for (const pr of rowPhases) {
    const cols: tf.TensorInfo[] = [];
    for (const pc of colPhases) {
      let part: tf.TensorInfo;
      if (pr.taps === 0 || pc.taps === 0 || pr.count <= 0 || pc.count <= 0) {
        part = k.zeros([n, rowsMax, colsMax, cin]);
      } else {
        const sub = k.run('StridedSlice', { x: fr }, {
          begin: [pr.revBegin, pc.revBegin, 0, 0],
          end: [pr.revBegin + sh * (pr.taps - 1) + 1, pc.revBegin + sw * (pc.taps - 1) + 1, fr.shape[2], fr.shape[3]],
          strides: [sh, sw, 1, 1],
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: 0,
        });
        const conv = convWithPads(k, dy, sub, [pr.padFront, pr.padBack, pc.padFront, pc.padBack], [1, 1]);
        k.free(sub);
        // Phases hold ceil or floor of H/s positions: pad each to the longest so they interleave.
        part = k.padOrCropHW(conv, [0, rowsMax - pr.count, 0, colsMax - pc.count]);
        if (part !== conv) k.free(conv);
      }
      cols.push(part);
    }
    // [N, rowsMax, colsMax, sw, Cin] -> [N, rowsMax, colsMax*sw, Cin]: column b*sw + q.
    const packed = k.run('Pack', cols, { axis: 3 });
    k.free(...cols);
    rowBlocks.push(k.reshape(packed, [n, rowsMax, colsMax * sw, cin]));
    k.free(packed);
  }
  k.free(fr);
  const packedRows = k.run('Pack', rowBlocks, { axis: 2 }); // [N, rowsMax, sh, colsMax*sw, Cin]
  k.free(...rowBlocks);
  const full = k.reshape(packedRows, [n, rowsMax * sh, colsMax * sw, cin]);
  k.free(packedRows);
  const out = k.padOrCropHW(full, [0, h - rowsMax * sh, 0, w - colsMax * sw]);
  if (out !== full) k.free(full);
  return out;
}

/** Stride-1 forward conv after padding (positive) or cropping (negative) dy. */
function convWithPads(
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

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
