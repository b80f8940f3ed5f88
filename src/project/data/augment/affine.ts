import { Rng } from '../../random';
import { Boxes, PAD_VALUE, RgbImage, Sample } from './image';

export interface AffineParams {
  degrees: number; // 0 in ultralytics' defaults
  translate: number; // 0.1
  scale: number; // 0.5
  shear: number; // 0
}

/** 2x3 affine matrix [a b c; d e f] mapping input to output pixels. */
export type Affine = [number, number, number, number, number, number];

function mul(m: number[][], n: number[][]): number[][] {
  return m.map((row) => n[0].map((_, j) => row.reduce((s, v, k) => s + v * n[k][j], 0)));
}

/**
 * ultralytics RandomPerspective.affine_transform without perspective: M = T @ S @ R @ C, where C moves
 * the input centre to the origin, R rotates and scales by s ~ U(1-scale, 1+scale), S shears and T moves
 * to a random point around the output centre (translate fraction of the output size).
 * `border` is -size/2 after a mosaic (crops the 2size canvas to size), 0 otherwise.
 */
export function randomAffine(inW: number, inH: number, outW: number, outH: number, p: AffineParams, rng: Rng): { m: Affine; s: number } {
  const C = [[1, 0, -inW / 2], [0, 1, -inH / 2], [0, 0, 1]];
  const a = (rng.uniform(-p.degrees, p.degrees) * Math.PI) / 180;
  const s = rng.uniform(1 - p.scale, 1 + p.scale);
  const R = [[s * Math.cos(a), s * Math.sin(a), 0], [-s * Math.sin(a), s * Math.cos(a), 0], [0, 0, 1]];
  const shx = Math.tan((rng.uniform(-p.shear, p.shear) * Math.PI) / 180);
  const shy = Math.tan((rng.uniform(-p.shear, p.shear) * Math.PI) / 180);
  const S = [[1, shx, 0], [shy, 1, 0], [0, 0, 1]];
  const tx = rng.uniform(0.5 - p.translate, 0.5 + p.translate) * outW;
  const ty = rng.uniform(0.5 - p.translate, 0.5 + p.translate) * outH;
  const T = [[1, 0, tx], [0, 1, ty], [0, 0, 1]];
  const M = mul(T, mul(S, mul(R, C)));
  return { m: [M[0][0], M[0][1], M[0][2], M[1][0], M[1][1], M[1][2]], s };
}

/** warpAffine with bilinear sampling and a grey border (cv2.warpAffine, borderValue 114). */
export function warpAffine(img: RgbImage, m: Affine, outW: number, outH: number): RgbImage {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  // inverse map: output -> input
  const ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  const ic = -(ia * c + ib * f), iff = -(id * c + ie * f);
  const out = new Uint8Array(outW * outH * 3);
  const src = img.data;
  const W = img.width, H = img.height;
  const row = W * 3;
  // Hot loop (every training image goes through it): no closures, no allocation; the common case
  // of four in-bounds neighbours takes the fast path, border pixels the checked one.
  for (let y = 0; y < outH; y++) {
    let sx = ib * y + ic;
    let sy = ie * y + iff;
    let o = y * outW * 3;
    for (let x = 0; x < outW; x++, sx += ia, sy += id, o += 3) {
      const x0 = Math.floor(sx), y0 = Math.floor(sy);
      const wx = sx - x0, wy = sy - y0;
      const w00 = (1 - wx) * (1 - wy), w01 = wx * (1 - wy), w10 = (1 - wx) * wy, w11 = wx * wy;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < W && y0 + 1 < H) {
        const i = y0 * row + x0 * 3;
        out[o] = Math.round(src[i] * w00 + src[i + 3] * w01 + src[i + row] * w10 + src[i + row + 3] * w11);
        out[o + 1] = Math.round(src[i + 1] * w00 + src[i + 4] * w01 + src[i + row + 1] * w10 + src[i + row + 4] * w11);
        out[o + 2] = Math.round(src[i + 2] * w00 + src[i + 5] * w01 + src[i + row + 2] * w10 + src[i + row + 5] * w11);
      } else if (x0 + 1 < 0 || y0 + 1 < 0 || x0 >= W || y0 >= H) {
        out[o] = out[o + 1] = out[o + 2] = PAD_VALUE;
      } else {
        const in00 = x0 >= 0 && y0 >= 0, in01 = x0 + 1 < W && y0 >= 0, in10 = x0 >= 0 && y0 + 1 < H, in11 = x0 + 1 < W && y0 + 1 < H;
        const i = y0 * row + x0 * 3;
        for (let ch = 0; ch < 3; ch++) {
          const p00 = in00 ? src[i + ch] : PAD_VALUE;
          const p01 = in01 ? src[i + 3 + ch] : PAD_VALUE;
          const p10 = in10 ? src[i + row + ch] : PAD_VALUE;
          const p11 = in11 ? src[i + row + 3 + ch] : PAD_VALUE;
          out[o + ch] = Math.round(p00 * w00 + p01 * w01 + p10 * w10 + p11 * w11);
        }
      }
    }
  }
  return { data: out, width: outW, height: outH };
}

/**
 * Transforms boxes by their 4 corners, takes the enclosing box, clips to the output, and keeps the
 * candidates ultralytics keeps (box_candidates: w, h > 2 px, area > 10% of the scaled original,
 * aspect ratio < 100).
 */
export function affineBoxes(b: Boxes, m: Affine, s: number, outW: number, outH: number): Boxes {
  const [a, bb, c, d, e, f] = m;
  const keepXyxy: number[] = [];
  const keepCls: number[] = [];
  for (let i = 0; i < b.cls.length; i++) {
    const x1 = b.xyxy[i * 4], y1 = b.xyxy[i * 4 + 1], x2 = b.xyxy[i * 4 + 2], y2 = b.xyxy[i * 4 + 3];
    const xs = [x1, x2, x1, x2], ys = [y1, y2, y2, y1];
    let nx1 = Infinity, ny1 = Infinity, nx2 = -Infinity, ny2 = -Infinity;
    for (let k = 0; k < 4; k++) {
      const X = a * xs[k] + bb * ys[k] + c;
      const Y = d * xs[k] + e * ys[k] + f;
      nx1 = Math.min(nx1, X); nx2 = Math.max(nx2, X); ny1 = Math.min(ny1, Y); ny2 = Math.max(ny2, Y);
    }
    nx1 = Math.min(Math.max(nx1, 0), outW); nx2 = Math.min(Math.max(nx2, 0), outW);
    ny1 = Math.min(Math.max(ny1, 0), outH); ny2 = Math.min(Math.max(ny2, 0), outH);
    const w1 = (x2 - x1) * s, h1 = (y2 - y1) * s;
    const w2 = nx2 - nx1, h2 = ny2 - ny1;
    const eps = 1e-16;
    const ar = Math.max(w2 / (h2 + eps), h2 / (w2 + eps));
    if (w2 > 2 && h2 > 2 && (w2 * h2) / (w1 * h1 + eps) > 0.1 && ar < 100) {
      keepXyxy.push(nx1, ny1, nx2, ny2);
      keepCls.push(b.cls[i]);
    }
  }
  return { xyxy: Float32Array.from(keepXyxy), cls: Int32Array.from(keepCls) };
}

export function applyRandomAffine(smp: Sample, outSize: number, p: AffineParams, rng: Rng): Sample {
  const { m, s } = randomAffine(smp.image.width, smp.image.height, outSize, outSize, p, rng);
  return { image: warpAffine(smp.image, m, outSize, outSize), boxes: affineBoxes(smp.boxes, m, s, outSize, outSize) };
}
