import { randInt } from '../random';

/** An RGB canvas [h, w, 3] for the synthetic pictures. */
export interface Canvas { w: number; h: number; px: Uint8Array }

export function makeCanvas(w: number, h: number): Canvas {
  return { w, h, px: new Uint8Array(w * h * 3) };
}

type RGB = [number, number, number];

function put(c: Canvas, x: number, y: number, col: RGB, alpha = 1): void {
  const i = (y * c.w + x) * 3;
  for (let k = 0; k < 3; k++) c.px[i + k] = Math.max(0, Math.min(255, Math.round(c.px[i + k] * (1 - alpha) + col[k] * alpha)));
}

const GROUNDS: RGB[] = [[96, 120, 70], [110, 110, 105], [170, 150, 115], [115, 90, 65], [80, 95, 85]];

/** Cluttered, muted background: ground colour, soft blobs (leaves, pebbles), twigs and sensor noise. */
export function drawBackground(c: Canvas, rng: () => number): void {
  const g = GROUNDS[Math.floor(rng() * GROUNDS.length)];
  for (let y = 0; y < c.h; y++) for (let x = 0; x < c.w; x++) {
    const shade = 0.85 + 0.15 * Math.sin(x / 37 + y / 53);
    put(c, x, y, [g[0] * shade, g[1] * shade, g[2] * shade]);
  }
  const blobs = Math.round((c.w * c.h) / 6000);
  for (let b = 0; b < blobs; b++) {
    const cx = rng() * c.w, cy = rng() * c.h, rx = 3 + rng() * 18, ry = 3 + rng() * 18;
    const col: RGB = [g[0] + randInt(rng, -40, 40), g[1] + randInt(rng, -40, 40), g[2] + randInt(rng, -40, 40)];
    for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(c.h, cy + ry); y++)
      for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(c.w, cx + rx); x++)
        if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1) put(c, x, y, col, 0.7);
  }
  const twigs = Math.round((c.w * c.h) / 20000);
  for (let t = 0; t < twigs; t++) {
    let x = rng() * c.w, y = rng() * c.h;
    const a = rng() * Math.PI * 2, len = 20 + rng() * 60;
    for (let s = 0; s < len; s++) {
      x += Math.cos(a); y += Math.sin(a);
      const xi = Math.floor(x), yi = Math.floor(y);
      if (xi >= 0 && yi >= 0 && xi < c.w && yi < c.h) put(c, xi, yi, [60, 45, 30], 0.8);
    }
  }
  for (let i = 0; i < c.px.length; i++) c.px[i] = Math.max(0, Math.min(255, c.px[i] + randInt(rng, -10, 10)));
}

/**
 * Each class has its own shape, colour and texture, and every shape touches all four sides of its
 * box, so the box is exact. Returns the object's pixel area (the COCO `area`, like a polygon's).
 * 0 metals_and_plastic: silver can with a red band; 1 other: magenta cross; 2 non_recyclable: black
 * ellipse with yellow checks; 3 glass: translucent green bottle; 4 paper: white sheet with text lines;
 * 5 bio: orange ellipse with brown spots; 6 unknown: blue triangle with diagonal stripes.
 */
export function drawObject(c: Canvas, cls: number, x0: number, y0: number, w: number, h: number): number {
  let area = 0;
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) {
    const u = (x - x0 + 0.5) / w, v = (y - y0 + 0.5) / h; // 0..1 inside the box
    const col = shade(cls, u, v, x - x0, y - y0, w);
    if (!col) continue;
    put(c, x, y, col.rgb, col.alpha);
    area++;
  }
  return area;
}

function shade(cls: number, u: number, v: number, px: number, py: number, w: number): { rgb: RGB; alpha: number } | undefined {
  const inEllipse = (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25;
  switch (cls) {
    case 0: {
      const sheen = 150 + 90 * Math.sin(u * Math.PI);
      return v > 0.4 && v < 0.6 ? { rgb: [200, 30, 30], alpha: 1 } : { rgb: [sheen, sheen, sheen + 10], alpha: 1 };
    }
    case 1:
      return (u > 0.35 && u < 0.65) || (v > 0.35 && v < 0.65) ? { rgb: [220, 40, 200], alpha: 1 } : undefined;
    case 2:
      if (!inEllipse) return undefined;
      return (Math.floor(px / 6) + Math.floor(py / 6)) % 2 ? { rgb: [20, 20, 20], alpha: 1 } : { rgb: [230, 200, 30], alpha: 1 };
    case 3: {
      const neck = v < 0.35;
      if (neck && (u < 0.35 || u > 0.65)) return undefined;
      const hl = u > 0.2 && u < 0.3 && !neck;
      return { rgb: hl ? [210, 255, 210] : [30, 160, 60], alpha: 0.75 };
    }
    case 4:
      return py % 6 < 2 && u > 0.1 && u < 0.9 && v > 0.1 && v < 0.9 ? { rgb: [60, 60, 70], alpha: 1 } : { rgb: [245, 240, 225], alpha: 1 };
    case 5:
      if (!inEllipse) return undefined;
      return (px * 7 + py * 13) % 23 < 3 ? { rgb: [90, 50, 20], alpha: 1 } : { rgb: [245, 140, 20], alpha: 1 };
    case 6: {
      if (Math.abs(u - 0.5) > v / 2 + 1 / w) return undefined; // the apex row keeps its centre pixels
      return Math.floor((px + py) / 5) % 2 ? { rgb: [20, 80, 230], alpha: 1 } : { rgb: [120, 200, 255], alpha: 1 };
    }
    default:
      return undefined;
  }
}
