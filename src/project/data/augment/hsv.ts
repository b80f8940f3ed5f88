import { Rng } from '../../random';
import { RgbImage } from './image';

/**
 * ultralytics RandomHSV: random gains r = U(-1,1)*[h,s,v] + 1 applied through lookup tables in
 * OpenCV's 8-bit HSV (H in 0..179): hue (x*r0) mod 180, saturation and value clipped to 0..255.
 */
export function randomHsv(img: RgbImage, gains: { h: number; s: number; v: number }, rng: Rng): RgbImage {
  if (!gains.h && !gains.s && !gains.v) return img;
  const r0 = rng.uniform(-1, 1) * gains.h + 1;
  const r1 = rng.uniform(-1, 1) * gains.s + 1;
  const r2 = rng.uniform(-1, 1) * gains.v + 1;
  const lutH = new Uint8Array(256), lutS = new Uint8Array(256), lutV = new Uint8Array(256);
  for (let x = 0; x < 256; x++) {
    lutH[x] = Math.floor(x * r0) % 180;
    lutS[x] = Math.min(Math.max(Math.floor(x * r1), 0), 255);
    lutV[x] = Math.min(Math.max(Math.floor(x * r2), 0), 255);
  }
  const src = img.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    const r = src[i], g = src[i + 1], b = src[i + 2];
    // RGB -> OpenCV HSV (8-bit)
    const v = Math.max(r, g, b);
    const mn = Math.min(r, g, b);
    const delta = v - mn;
    const s = v === 0 ? 0 : Math.round((255 * delta) / v);
    let h = 0;
    if (delta !== 0) {
      if (v === r) h = (60 * (g - b)) / delta;
      else if (v === g) h = 120 + (60 * (b - r)) / delta;
      else h = 240 + (60 * (r - g)) / delta;
      if (h < 0) h += 360;
    }
    const H8 = Math.round(h / 2) % 180;
    const nh = lutH[H8] * 2, ns = lutS[s] / 255, nv = lutV[v];
    // HSV -> RGB
    const c = nv * ns;
    const hp = nh / 60;
    const x = c * (1 - Math.abs((hp % 2) - 1));
    let rr = 0, gg = 0, bb = 0;
    if (hp < 1) [rr, gg, bb] = [c, x, 0];
    else if (hp < 2) [rr, gg, bb] = [x, c, 0];
    else if (hp < 3) [rr, gg, bb] = [0, c, x];
    else if (hp < 4) [rr, gg, bb] = [0, x, c];
    else if (hp < 5) [rr, gg, bb] = [x, 0, c];
    else [rr, gg, bb] = [c, 0, x];
    const m = nv - c;
    out[i] = Math.round(rr + m);
    out[i + 1] = Math.round(gg + m);
    out[i + 2] = Math.round(bb + m);
  }
  return { data: out, width: img.width, height: img.height };
}
