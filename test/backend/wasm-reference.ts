import { mulberry32 } from '../../src/project/random';
/**
 * Plain-loop references for conv forward and both conv gradients (NHWC, HWIO, explicit pads), written
 * straight from the definition y[n,o,p,co] = sum x[n, o*sh + kh*dh - top, p*sw + kw*dw - left, ci] w[kh,kw,ci,co]:
 * the gradients scatter along the same index map, so they share no code or trick with the engine.
 */
export interface Geo {
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  top: number;
  left: number;
  ho: number;
  wo: number;
}

type Shape4 = [number, number, number, number];

function eachTap(
  xs: Shape4,
  ws: Shape4,
  g: Geo,
  f: (xi: number, wi: number, yi: number) => void,
): void {
  const [n, h, w, ci] = xs;
  const [kh, kw, , co] = ws;
  for (let b = 0; b < n; b++)
    for (let o = 0; o < g.ho; o++)
      for (let p = 0; p < g.wo; p++)
        for (let a = 0; a < kh; a++) {
          const i = o * g.sh + a * g.dh - g.top;
          if (i < 0 || i >= h) continue;
          for (let c = 0; c < kw; c++) {
            const j = p * g.sw + c * g.dw - g.left;
            if (j < 0 || j >= w) continue;
            for (let q = 0; q < ci; q++)
              for (let r = 0; r < co; r++) {
                f(((b * h + i) * w + j) * ci + q, ((a * kw + c) * ci + q) * co + r, ((b * g.ho + o) * g.wo + p) * co + r);
              }
          }
        }
}

export function convRef(x: Float32Array, xs: Shape4, w: Float32Array, ws: Shape4, g: Geo): Float64Array {
  const y = new Float64Array(xs[0] * g.ho * g.wo * ws[3]);
  eachTap(xs, ws, g, (xi, wi, yi) => { y[yi] += x[xi] * w[wi]; });
  return y;
}

export function convGradInputRef(dy: Float32Array, w: Float32Array, xs: Shape4, ws: Shape4, g: Geo): Float64Array {
  const dx = new Float64Array(xs[0] * xs[1] * xs[2] * xs[3]);
  eachTap(xs, ws, g, (xi, wi, yi) => { dx[xi] += dy[yi] * w[wi]; });
  return dx;
}

export function convGradFilterRef(x: Float32Array, dy: Float32Array, xs: Shape4, ws: Shape4, g: Geo): Float64Array {
  const dw = new Float64Array(ws[0] * ws[1] * ws[2] * ws[3]);
  eachTap(xs, ws, g, (xi, wi, yi) => { dw[wi] += x[xi] * dy[yi]; });
  return dw;
}

/** Largest |a-b| relative to the largest |b| (scale-aware: sums of many products cancel). */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let scale = 1e-12;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let err = 0;
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
  return err / scale;
}

/** Deterministic uniform(-1, 1) floats (mulberry32). */
export function randomFloats(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = r() * 2 - 1;
  return out;
}

export { mulberry32 as makeRng };
