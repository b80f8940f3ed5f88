import type { ClassBceRows, DecodedHeadRows } from '../ops';
import type { NativeAddon } from './addon';

/**
 * The native engine's versions of the head-row ops (OpsImpl.decodeHeadRows, classBceWithGrad): one
 * vectorised addon call per level instead of the reference's plain-JS loops (see backend/head-rows-reference.ts
 * for the formulas). Float32 arithmetic with float64 sums, within the loss tests' tolerances of the reference.
 */

/** Every row decoded up front, [rows, no] -> scores [rows, nc], ltrb [rows, 4]; `ensure` has nothing left to do. */
export function decodeHeadRowsNative(addon: NativeAddon, d: Float32Array, rows: number, no: number, regMax: number, nc: number): DecodedHeadRows {
  const scores = new Float32Array(rows * nc);
  const ltrb = new Float32Array(rows * 4);
  addon.decodeAnchors(rows, no, regMax, nc, d, scores, ltrb);
  return { scores, ltrb, ensure: () => undefined };
}

/** The class term level by level through the addon's clsBce, the levels' sums added in order. */
export function classBceWithGradNative(addon: NativeAddon, levels: ClassBceRows[], no: number, off: number, nc: number, k: number): number {
  let sum = 0;
  for (const { d, rows, label, score, grad } of levels) sum += addon.clsBce(rows, no, off, nc, d, label, score, k, grad);
  return sum;
}
