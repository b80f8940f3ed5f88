import * as tf from '@tensorflow/tfjs-core';
import { KernelCaller } from './kernel-call';

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

interface Tap {
  /** First plane of this tap's stride phase in xt (then + ci). */
  plane0: number;
  /** Source row/column (in phase units) of output row/column 0. */
  rowShift: number;
  colShift: number;
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

/**
 * cols[(t, ci), (nn, o, p)] = xt[plane0_t + ci, nn*Hs + o + rowShift_t, p + colShift_t], zero outside the
 * plane. Copies run inside the wasm heap (copyWithin): whole planes at once when the widths agree, the
 * columns that wrapped around a row edge zeroed afterwards.
 */
function fillColumns(
  k: KernelCaller,
  xt: tf.TensorInfo,
  cols: tf.TensorInfo,
  taps: Tap[],
  d: { cin: number; n: number; hs: number; ws: number; ho: number; wo: number },
): void {
  const { cin, n, hs, ws, ho, wo } = d;
  const src = k.heapView(xt);
  const dst = k.heapView(cols);
  const heap = new Float32Array(dst.buffer);
  const s0 = src.byteOffset / 4; // not >> 2: offsets pass 2 GiB
  let dp = dst.byteOffset / 4;
  const srcPlane = hs * ws;
  const dstPlane = ho * wo;
  for (const t of taps) {
    const o0 = Math.max(0, -t.rowShift);
    const o1 = Math.min(ho, hs - t.rowShift);
    const p0 = Math.max(0, -t.colShift);
    const p1 = Math.min(wo, ws - t.colShift);
    for (let ci = 0; ci < cin; ci++) {
      const planeBase = s0 + (t.plane0 + ci) * n * srcPlane;
      for (let nn = 0; nn < n; nn++, dp += dstPlane) {
        const sp = planeBase + nn * srcPlane;
        if (o1 <= o0 || p1 <= p0) {
          heap.fill(0, dp, dp + dstPlane);
          continue;
        }
        if (o0 > 0) heap.fill(0, dp, dp + o0 * wo);
        if (o1 < ho) heap.fill(0, dp + o1 * wo, dp + dstPlane);
        if (wo === ws) {
          // One shifted block: dst[o*wo + p] = src[(o + rowShift)*ws + p + colShift].
          const shift = t.rowShift * ws + t.colShift;
          const a = Math.max(o0 * wo, -shift);
          const b = Math.min(o1 * wo, srcPlane - shift);
          if (b > a) heap.copyWithin(dp + a, sp + a + shift, sp + b + shift);
          if (a > o0 * wo) heap.fill(0, dp + o0 * wo, dp + a);
          if (b < o1 * wo) heap.fill(0, dp + b, dp + o1 * wo);
          if (p0 > 0 || p1 < wo) {
            for (let o = o0; o < o1; o++) {
              const r = dp + o * wo;
              for (let p = 0; p < p0; p++) heap[r + p] = 0;
              for (let p = p1; p < wo; p++) heap[r + p] = 0;
            }
          }
        } else {
          for (let o = o0; o < o1; o++) {
            const r = dp + o * wo;
            const sr = sp + (o + t.rowShift) * ws + t.colShift;
            for (let p = 0; p < p0; p++) heap[r + p] = 0;
            heap.copyWithin(r + p0, sr + p0, sr + p1);
            for (let p = p1; p < wo; p++) heap[r + p] = 0;
          }
        }
      }
    }
  }
}

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
  /** Filter length and stride along this axis. */
  kLen: number;
  s: number;
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
  return { revBegin, taps, count, padFront, padBack, kLen: k, s };
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

/**
 * dX for stride s > 1 (the same along both axes) as ONE stride-1 conv plus DepthToSpace: every stride
 * phase (r, q) gets its own block of Cin output channels, its taps of the flipped filter placed in a
 * common T x T window (zeros where a phase has fewer taps), and a DepthToSpace interleaves the phases:
 *   dx[n, a*s + r, b*s + q, ci] = conv[n, a, b, (r*s + q)*Cin + ci].
 * For 3x3 stride 2 that is 16/9 of the useful multiply-adds, in one wide GEMM instead of four narrow
 * ones with zero blocks, pads and two interleaving packs.
 */
function stridedInputGrad(
  k: KernelCaller,
  dy: tf.TensorInfo, // [N, Ho, Wo, Cout]
  filter: tf.TensorInfo, // [KH, KW, Cin, Cout]
  inputShape: [number, number, number, number], // [N, H, W, Cin]
  g: ConvGeometry,
): tf.TensorInfo {
  const [kh, kw, cin, cout] = filter.shape;
  const [, h, w] = inputShape;
  const [, ho, wo] = dy.shape;
  const s = g.strides[0];
  const rows = windowOf(range(s).map((r) => phaseOf(r, s, kh, g.pads.top, h, ho)));
  const cols = windowOf(range(s).map((q) => phaseOf(q, s, kw, g.pads.left, w, wo)));
  const rowsMax = Math.ceil(h / s);
  const colsMax = Math.ceil(w / s);
  const fc = k.empty([rows.size, cols.size, cout, s * s * cin]);
  const fv = k.heapView(filter);
  const cv = k.heapView(fc);
  cv.fill(0);
  const blk = s * s * cin;
  for (let uh = 0; uh < rows.size; uh++) {
    for (let r = 0; r < s; r++) {
      const th = rows.tapAt(r, uh);
      if (th < 0) continue;
      for (let uw = 0; uw < cols.size; uw++) {
        for (let q = 0; q < s; q++) {
          const tw = cols.tapAt(q, uw);
          if (tw < 0) continue;
          // fc[uh, uw, co, (r*s + q)*Cin + ci] = w[th, tw, ci, co]
          const src = (th * kw + tw) * cin * cout;
          const dst = (uh * cols.size + uw) * cout * blk + (r * s + q) * cin;
          for (let ci = 0; ci < cin; ci++) {
            const sRow = src + ci * cout;
            for (let co = 0; co < cout; co++) cv[dst + co * blk + ci] = fv[sRow + co];
          }
        }
      }
    }
  }
  const conv = convWithPads(k, dy, fc, [rows.front, rowsMax + rows.size - 1 - ho - rows.front, cols.front, colsMax + cols.size - 1 - wo - cols.front], [1, 1]);
  k.free(fc);
  // DepthToSpace as one 4D transpose (wasm's DepthToSpace kernel takes ~0.2 s on [8,80,80,64]):
  // [N*R, C, s(r), s*Cin] -> [N*R, s(r), C, s*Cin], which is [N, R*s, C*s, Cin] in memory.
  const [nb, rr, cc] = conv.shape;
  const c4 = k.reshape(conv, [nb * rr, cc, s, s * cin]);
  k.free(conv);
  const t4 = k.transpose(c4, [0, 2, 1, 3]);
  k.free(c4);
  const full = k.reshape(t4, [nb, rr * s, cc * s, cin]);
  k.free(t4);
  const out = k.padOrCropHW(full, [0, h - rowsMax * s, 0, w - colsMax * s]);
  if (out !== full) k.free(full);
  return out;
}

/** The common tap window of all phases along one axis: front padding of dy, size, and which filter tap sits where. */
function windowOf(phases: Phase[]): { front: number; size: number; tapAt(phase: number, u: number): number } {
  const live = phases.filter((p) => p.taps > 0 && p.count > 0);
  const front = Math.max(...live.map((p) => p.padFront));
  const size = Math.max(...live.map((p) => front - p.padFront + p.taps));
  return {
    front,
    size,
    /** Original (unflipped) filter index used by `phase` at window position u, or -1. */
    tapAt(phase: number, u: number): number {
      const p = phases[phase];
      if (p.taps === 0 || p.count <= 0) return -1;
      const m = u - (front - p.padFront);
      if (m < 0 || m >= p.taps) return -1;
      return p.kLen - 1 - (p.revBegin + p.s * m);
    },
  };
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
