/**
 * OpenCV's `cv::resize(..., INTER_LINEAR)` on 8-bit images, bit for bit (the fixed-point path of
 * `hal::resize` -> `resizeGeneric_<HResizeLinear<uchar,int,short,2048>, VResizeLinear<uchar,int,short,...>>`;
 * not `INTER_LINEAR_EXACT`, whose `resize_bitExact` rounds differently).
 *
 * Facts followed (OpenCV imgproc/src/resize.cpp):
 * - scale = 1 / (dst / src) in double (not src / dst: the two can differ in the last bit).
 * - Tap position: fx = (float)((dx + 0.5) * scale - 0.5); sx = floor(fx); fx -= sx. Left of the image
 *   (sx < 0) and right of it (sx >= src - 1) the tap becomes sx clamped, fx = 0.
 * - INTER_AREA when upscaling runs through this same code with other taps ("area mode"):
 *   sx = floor(dx * scale); fx = (float)((dx + 1) - (sx + 1) / scale); fx = fx <= 0 ? 0 : fx - floor(fx).
 * - Coefficients: saturate_cast<short>((1.f - fx) * 2048) and saturate_cast<short>(fx * 2048), each rounded
 *   on its own (round half to even, in float), so they need not sum to 2048.
 * - Horizontal pass into int: S[sx] * a0 + S[sx + 1] * a1 (exact).
 * - Vertical taps: sy and fy as above but never clamped; the two source rows sy, sy + 1 are clamped to
 *   0..src - 1 afterwards, with the unclamped weights.
 * - Vertical pass for uchar (the specialised VResizeLinear, same in its SSE2/NEON vector form):
 *   ((b0 * (R0 >> 4)) >> 16) + ((b1 * (R1 >> 4)) >> 16) + 2 >> 2, not (v + (1 << 21)) >> 22.
 */
import { cvRound } from './round';

const COEF_SCALE = 2048; // INTER_RESIZE_COEF_SCALE = 1 << 11

/** Per destination coordinate: the two source indices (already clamped) and their fixed-point weights. */
export interface LinearTaps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Int32Array;
  w1: Int32Array;
}

function coef(v: number): number {
  const r = cvRound(Math.fround(v * COEF_SCALE));
  return r < -32768 ? -32768 : r > 32767 ? 32767 : r;
}

/**
 * Taps along one axis. `clampWeights`: the horizontal axis zeroes fx outside the image (OpenCV clamps
 * sx and fx there); the vertical axis keeps fy and only clamps the row indices.
 */
export function linearTaps(srcN: number, dstN: number, areaMode: boolean, clampWeights: boolean): LinearTaps {
  const scale = 1 / (dstN / srcN);
  const inv = dstN / srcN;
  const t: LinearTaps = { i0: new Int32Array(dstN), i1: new Int32Array(dstN), w0: new Int32Array(dstN), w1: new Int32Array(dstN) };
  const last = srcN - 1;
  for (let d = 0; d < dstN; d++) {
    let s: number;
    let f: number;
    if (!areaMode) {
      f = Math.fround((d + 0.5) * scale - 0.5);
      s = Math.floor(f);
      f = Math.fround(f - s);
    } else {
      s = Math.floor(d * scale);
      f = Math.fround(d + 1 - (s + 1) * inv);
      f = f <= 0 ? 0 : Math.fround(f - Math.floor(f));
    }
    if (clampWeights) {
      if (s < 0) { s = 0; f = 0; }
      if (s >= last) { s = last; f = 0; }
    }
    t.i0[d] = s < 0 ? 0 : s > last ? last : s;
    t.i1[d] = s + 1 < 0 ? 0 : s + 1 > last ? last : s + 1;
    t.w0[d] = coef(Math.fround(1 - f));
    t.w1[d] = coef(f);
  }
  return t;
}

/** One source row through the horizontal pass: int values scaled by 2048 (interleaved, cn channels). */
function hRow(src: Uint8Array, rowOff: number, cn: number, x: LinearTaps, out: Int32Array): void {
  const n = x.i0.length;
  for (let d = 0, o = 0; d < n; d++, o += cn) {
    const p0 = rowOff + x.i0[d] * cn;
    const p1 = rowOff + x.i1[d] * cn;
    const a0 = x.w0[d];
    const a1 = x.w1[d];
    for (let c = 0; c < cn; c++) out[o + c] = src[p0 + c] * a0 + src[p1 + c] * a1;
  }
}

/**
 * Resize interleaved uint8 pixels (cn channels) from sw x sh to dw x dh as OpenCV's INTER_LINEAR does;
 * `areaMode` gives the taps OpenCV uses for INTER_AREA when the image grows.
 */
export function resizeLinearU8(
  src: Uint8Array, sw: number, sh: number, cn: number, dw: number, dh: number, areaMode = false,
): Uint8Array {
  const xt = linearTaps(sw, dw, areaMode, true);
  const yt = linearTaps(sh, dh, areaMode, false);
  const rowLen = dw * cn;
  const out = new Uint8Array(rowLen * dh);
  // two horizontal rows, reused while consecutive output rows read the same source rows
  let bufA = new Int32Array(rowLen), bufB = new Int32Array(rowLen);
  let rowA = -1, rowB = -1;
  const srcStride = sw * cn;
  for (let dy = 0; dy < dh; dy++) {
    const r0 = yt.i0[dy], r1 = yt.i1[dy];
    if (rowA !== r0) {
      if (rowB === r0) { const t = bufA; bufA = bufB; bufB = t; rowB = rowA; rowA = r0; }
      else { hRow(src, r0 * srcStride, cn, xt, bufA); rowA = r0; }
    }
    let R1 = bufA;
    if (r1 !== r0) {
      if (rowB !== r1) { hRow(src, r1 * srcStride, cn, xt, bufB); rowB = r1; }
      R1 = bufB;
    }
    const R0 = bufA;
    const b0 = yt.w0[dy], b1 = yt.w1[dy];
    const o = dy * rowLen;
    for (let x = 0; x < rowLen; x++) {
      out[o + x] = (((b0 * (R0[x] >> 4)) >> 16) + ((b1 * (R1[x] >> 4)) >> 16) + 2) >> 2;
    }
  }
  return out;
}
