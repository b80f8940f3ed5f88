import * as tf from '@tensorflow/tfjs-core';
import { KernelCaller } from './kernel-call';

/**
 * The im2col buffer of the weight gradient (conv-filter-grad.ts), taps outermost, built by plain copies
 * inside the wasm heap from the stride-phase planes of the transposed input
 *   xt[i, j*Cin + ci, n*Hs + r, q] = x[n, r*sh + i, q*sw + j, ci],
 * so that a tap's plane is one such plane shifted by whole rows and columns (zeros where the forward padded).
 */
export interface Tap {
  /** First plane of this tap's stride phase in xt (then + ci). */
  plane0: number;
  /** Source row/column (in phase units) of output row/column 0. */
  rowShift: number;
  colShift: number;
}

export function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

/**
 * cols[(t, ci), (nn, o, p)] = xt[plane0_t + ci, nn*Hs + o + rowShift_t, p + colShift_t], zero outside the
 * plane. Copies run inside the wasm heap (copyWithin): whole planes at once when the widths agree, the
 * columns that wrapped around a row edge zeroed afterwards.
 */
export function fillColumns(
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
