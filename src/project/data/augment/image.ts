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
