/**
 * OpenCV's `cv::resize(..., INTER_AREA)` on 8-bit images when both axes shrink (or keep their size),
 * bit for bit. Two paths, as OpenCV's `hal::resize` chooses them (imgproc/src/resize.cpp):
 *
 * - Integer factors (|src/dst - round(src/dst)| < DBL_EPSILON on both axes, `resizeAreaFast_`): the mean
 *   of each kx x ky block. For 2x2 on 1, 3 or 4 channels: (a + b + c + d + 2) >> 2. Otherwise the int sum
 *   times the float 1/(kx*ky), rounded half to even (`saturate_cast<uchar>(float)`).
 * - Other factors (`resizeArea_<uchar, float>`, `computeResizeAreaTab`): per axis, each destination cell
 *   [d*scale, (d+1)*scale) covers whole source pixels with weight 1/cellWidth and partial ones at its ends
 *   with (overlap)/cellWidth (partial ends under 1e-3 are dropped), weights computed in double and stored
 *   as float. Each source row is summed horizontally into a float buffer (buf += S * a, float per step),
 *   then rows are accumulated vertically (sum = beta * buf for the first row of a cell, sum += beta * buf
 *   after), and the float sum is rounded half to even and saturated.
 */
import { saturateU8 } from './round';

const DBL_EPSILON = 2.220446049250313e-16;

/** OpenCV's integer-factor test: the factor if src/dst is an integer to within DBL_EPSILON, else 0. */
export function areaFastFactor(srcN: number, dstN: number): number {
  const scale = 1 / (dstN / srcN);
  const k = Math.round(scale);
  return Math.abs(scale - k) < DBL_EPSILON ? k : 0;
}

/** Block mean for integer factors kx, ky (the destination tiles the source exactly). */
export function resizeAreaFastU8(
  src: Uint8Array, sw: number, sh: number, cn: number, kx: number, ky: number,
): Uint8Array {
  const dw = Math.floor(sw / kx), dh = Math.floor(sh / ky);
  const rowLen = dw * cn, stride = sw * cn;
  const out = new Uint8Array(rowLen * dh);
  if (kx === 2 && ky === 2 && (cn === 1 || cn === 3 || cn === 4)) {
    for (let dy = 0; dy < dh; dy++) {
      const s0 = 2 * dy * stride, s1 = s0 + stride, o = dy * rowLen;
      for (let dx = 0; dx < dw; dx++) {
        const p = s0 + 2 * dx * cn, q = s1 + 2 * dx * cn, d = o + dx * cn;
        for (let c = 0; c < cn; c++) {
          out[d + c] = (src[p + c] + src[p + cn + c] + src[q + c] + src[q + cn + c] + 2) >> 2;
        }
      }
    }
    return out;
  }
  const scale = Math.fround(1 / (kx * ky));
  for (let dy = 0; dy < dh; dy++) {
    const o = dy * rowLen;
    for (let dx = 0; dx < dw; dx++) {
      for (let c = 0; c < cn; c++) {
        let sum = 0;
        for (let y = 0; y < ky; y++) {
          let p = (dy * ky + y) * stride + dx * kx * cn + c;
          for (let x = 0; x < kx; x++, p += cn) sum += src[p];
        }
        out[o + dx * cn + c] = saturateU8(Math.fround(sum * scale));
      }
    }
  }
  return out;
}

/** `computeResizeAreaTab`: (destination index, source index, float weight) triples, in OpenCV's order. */
export interface AreaTab {
  di: Int32Array;
  si: Int32Array;
  alpha: Float32Array;
  n: number;
}

export function areaTab(srcN: number, dstN: number): AreaTab {
  const scale = 1 / (dstN / srcN);
  const cap = 2 * srcN + 2;
  const t: AreaTab = { di: new Int32Array(cap), si: new Int32Array(cap), alpha: new Float32Array(cap), n: 0 };
  const push = (d: number, s: number, a: number): void => {
    t.di[t.n] = d; t.si[t.n] = s; t.alpha[t.n] = a; t.n++;
  };
  for (let d = 0; d < dstN; d++) {
    const f1 = d * scale;
    const f2 = f1 + scale;
    const cell = Math.min(scale, srcN - f1);
    const s2 = Math.min(Math.floor(f2), srcN - 1);
    const s1 = Math.min(Math.ceil(f1), s2);
    if (s1 - f1 > 1e-3) push(d, s1 - 1, (s1 - f1) / cell);
    for (let s = s1; s < s2; s++) push(d, s, 1 / cell);
    if (f2 - s2 > 1e-3) push(d, s2, Math.min(Math.min(f2 - s2, 1), cell) / cell);
  }
  return t;
}

/**
 * One source row through the horizontal area weights into `buf` (float per step, as OpenCV's float
 * buffer). Tab entries of one destination pixel are consecutive, so each pixel is summed in locals
 * (Math.fround after every product and every sum) and stored once.
 */
function hAreaRow(src: Uint8Array, row: number, cn: number, xt: AreaTab, xs: Int32Array, buf: Float32Array): void {
  const n = xt.n, di = xt.di, alpha = xt.alpha;
  const fr = Math.fround;
  let k = 0;
  if (cn === 3) {
    while (k < n) {
      const d = di[k];
      let s0 = 0, s1 = 0, s2 = 0;
      for (; k < n && di[k] === d; k++) {
        const a = alpha[k], p = row + xs[k];
        s0 = fr(s0 + fr(src[p] * a));
        s1 = fr(s1 + fr(src[p + 1] * a));
        s2 = fr(s2 + fr(src[p + 2] * a));
      }
      buf[d * 3] = s0; buf[d * 3 + 1] = s1; buf[d * 3 + 2] = s2;
    }
    return;
  }
  buf.fill(0);
  for (; k < n; k++) {
    const a = alpha[k], p = row + xs[k], o = di[k] * cn;
    for (let c = 0; c < cn; c++) buf[o + c] = buf[o + c] + fr(src[p + c] * a);
  }
}

/** General shrink by a non-integer factor (both axes at least 1x). */
export function resizeAreaGenericU8(
  src: Uint8Array, sw: number, sh: number, cn: number, dw: number, dh: number,
): Uint8Array {
  const xt = areaTab(sw, dw);
  const yt = areaTab(sh, dh);
  const rowLen = dw * cn, stride = sw * cn;
  const out = new Uint8Array(rowLen * dh);
  const buf = new Float32Array(rowLen);
  const sum = new Float32Array(rowLen);
  const xs = new Int32Array(xt.n);
  for (let k = 0; k < xt.n; k++) xs[k] = xt.si[k] * cn;
  const fr = Math.fround;
  let bufRow = -1;
  for (let j = 0; j < yt.n;) {
    const dy = yt.di[j];
    // the first source row of a destination row sets the sum, the others add to it
    for (let first = true; j < yt.n && yt.di[j] === dy; j++, first = false) {
      const sy = yt.si[j];
      // a source row shared by two destination rows gives the same buffer both times
      if (sy !== bufRow) { hAreaRow(src, sy * stride, cn, xt, xs, buf); bufRow = sy; }
      const beta = yt.alpha[j];
      if (first) for (let x = 0; x < rowLen; x++) sum[x] = beta * buf[x];
      else for (let x = 0; x < rowLen; x++) sum[x] = sum[x] + fr(beta * buf[x]);
    }
    const o = dy * rowLen;
    for (let x = 0; x < rowLen; x++) out[o + x] = saturateU8(sum[x]);
  }
  return out;
}
