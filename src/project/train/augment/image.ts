/** An RGB image as interleaved bytes: data[(y * width + x) * 3 + c]. */
export interface RgbImage {
  data: Uint8Array; // [H, W, 3]
  width: number;
  height: number;
}

/** Boxes in absolute pixels, xyxy, with the model's class index (0..nc-1). */
export interface Boxes {
  xyxy: Float32Array; // [N, 4]
  cls: Int32Array; // [N]
}

export interface Sample {
  image: RgbImage;
  boxes: Boxes;
}

/** ultralytics pads with grey 114. */
export const PAD_VALUE = 114;

export function filledImage(width: number, height: number, value = PAD_VALUE): RgbImage {
  return { data: new Uint8Array(width * height * 3).fill(value), width, height };
}

export function boxCount(b: Boxes): number {
  return b.cls.length;
}

export function concatBoxes(list: Boxes[]): Boxes {
  const n = list.reduce((s, b) => s + b.cls.length, 0);
  const xyxy = new Float32Array(n * 4);
  const cls = new Int32Array(n);
  let o = 0;
  for (const b of list) {
    xyxy.set(b.xyxy, o * 4);
    cls.set(b.cls, o);
    o += b.cls.length;
  }
  return { xyxy, cls };
}

/** Bilinear resize (half-pixel centres, as OpenCV's INTER_LINEAR). */
export function resizeBilinear(img: RgbImage, width: number, height: number): RgbImage {
  if (width === img.width && height === img.height) return img;
  const out = new Uint8Array(width * height * 3);
  const sx = img.width / width;
  const sy = img.height / height;
  const src = img.data;
  const W = img.width;
  for (let y = 0; y < height; y++) {
    let fy = (y + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0;
    let y0 = Math.floor(fy);
    if (y0 > img.height - 1) y0 = img.height - 1;
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      let fx = (x + 0.5) * sx - 0.5;
      if (fx < 0) fx = 0;
      let x0 = Math.floor(fx);
      if (x0 > W - 1) x0 = W - 1;
      const x1 = Math.min(x0 + 1, W - 1);
      const wx = fx - x0;
      const i00 = (y0 * W + x0) * 3, i01 = (y0 * W + x1) * 3, i10 = (y1 * W + x0) * 3, i11 = (y1 * W + x1) * 3;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = src[i00 + c] + (src[i01 + c] - src[i00 + c]) * wx;
        const bot = src[i10 + c] + (src[i11 + c] - src[i10 + c]) * wx;
        out[o + c] = Math.round(top + (bot - top) * wy);
      }
    }
  }
  return { data: out, width, height };
}
