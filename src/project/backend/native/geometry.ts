/**
 * Convolution geometry as the addon takes it: 17 integers
 * [n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, padTop, padLeft, padBottom, padRight].
 */
export type ConvGeometry = number[];

export interface ConvArgs {
  x: readonly number[]; // [N, H, W, Cin]
  w: readonly number[]; // [kh, kw, Cin, Cout]
  strides: [number, number];
  dilations: [number, number];
  /** top, left, bottom, right */
  pads: [number, number, number, number];
}

export function outSize(size: number, k: number, stride: number, dil: number, padA: number, padB: number): number {
  return Math.floor((size + padA + padB - ((k - 1) * dil + 1)) / stride) + 1;
}

export function convGeometry(a: ConvArgs): ConvGeometry {
  const [n, h, w, ci] = a.x;
  const [kh, kw, wci, co] = a.w;
  if (wci !== ci) throw new Error(`conv: input has ${ci} channels, the kernel expects ${wci}`);
  const [pt, pl, pb, pr] = a.pads;
  const ho = outSize(h, kh, a.strides[0], a.dilations[0], pt, pb);
  const wo = outSize(w, kw, a.strides[1], a.dilations[1], pl, pr);
  if (ho < 1 || wo < 1) throw new Error(`conv: a ${kh}x${kw} kernel does not fit a ${h}x${w} input`);
  return [n, h, w, ci, ho, wo, co, kh, kw, a.strides[0], a.strides[1], a.dilations[0], a.dilations[1], pt, pl, pb, pr];
}

/** Symmetric padding, the PyTorch convention the model uses. */
export function symmetric(x: readonly number[], w: readonly number[], stride: number, pad: number, dilation: number): ConvGeometry {
  return convGeometry({ x, w, strides: [stride, stride], dilations: [dilation, dilation], pads: [pad, pad, pad, pad] });
}

export const outShape = (g: ConvGeometry): [number, number, number, number] => [g[0], g[4], g[5], g[6]];
