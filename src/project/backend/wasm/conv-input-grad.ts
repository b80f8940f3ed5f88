import * as tf from '@tensorflow/tfjs-core';
import { assertSupported, ConvGeometry } from './conv-geometry';
import { stridedInputGrad } from './conv-input-grad-strided';
import { convWithPads } from './conv-with-pads';
import { KernelCaller } from './kernel-call';
import { phaseOf, range } from './stride-phases';

/**
 * dX (tfjs's Conv2DBackpropInput) as forward convolutions on XNNPACK instead of the wasm backend's naive
 * loops: the transposed convolution dx = conv(dy, flip(W) with in/out swapped), padded so the output has
 * the input's size.
 */

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
  if (sh === sw && sh > 1) return stridedInputGrad(k, dy, filter, inputShape, g);
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
