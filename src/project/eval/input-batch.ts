/**
 * Model inputs made as ultralytics 8.0.200 makes them, pixel for pixel:
 * - predict (`BasePredictor.pre_transform`): each picture letterboxed straight from its decoded pixels with
 *   INTER_LINEAR; `auto` (pad to a multiple of 32 only) when every picture of the batch has the same shape,
 *   else the square imgsz x imgsz frame;
 * - validation (`YOLODataset` in val mode, run by validate.ts): `load_image` first (the ImageCache), then LetterBox
 *   with scaleup off into the batch's shape (rect batches planned here, or square).
 * - stretch (`--resize stretch`, how `taco data prepare` builds its dataset): each axis to imgsz on its own, INTER_LINEAR.
 * Pixels: RGB, /255, padding grey 114, NHWC float32.
 */

import type { RgbImage } from '../data/augment/image';
import { cvResize } from '../data/cv/resize';
import { FrameTransform, stretchTransform } from './frame-transform';
import { LetterboxGeometry, RectBatch, letterboxGeometry, predictTransform, rectBatches } from './letterbox-geometry';

export interface InputBatch {
  /** [B, H, W, 3] 0..1 */
  data: Float32Array;
  height: number;
  width: number;
  transforms: FrameTransform[];
}

const PAD = 114 / 255;

/** Writes `img` resized to the placement's inner size, padded with grey, into `out` at image slot `slot`. */
export function placeInto(out: Float32Array, slot: number, img: RgbImage, g: LetterboxGeometry): void {
  const inner = img.width === g.unpadW && img.height === g.unpadH ? img : cvResize(img, g.unpadW, g.unpadH, 'linear');
  const W = g.width;
  const base = slot * g.height * W * 3;
  out.fill(PAD, base, base + g.height * W * 3);
  const src = inner.data;
  const rowLen = inner.width * 3;
  for (let y = 0; y < inner.height; y++) {
    let o = base + ((y + g.top) * W + g.left) * 3;
    const s0 = y * rowLen;
    for (let i = 0; i < rowLen; i++) out[o++] = src[s0 + i] / 255;
  }
}

function sameShapes(images: RgbImage[]): boolean {
  return images.every((im) => im.width === images[0].width && im.height === images[0].height);
}

/** ultralytics predict's batch: LetterBox(imgsz, auto = same shapes, scaleup on, stride 32). */
export function predictBatch(images: RgbImage[], imgsz: number, stride = 32): InputBatch {
  const auto = sameShapes(images);
  const places = images.map((im) => letterboxGeometry(im.width, im.height, [imgsz, imgsz], { auto, stride }));
  const { height, width } = places[0];
  const data = new Float32Array(images.length * height * width * 3);
  images.forEach((im, i) => placeInto(data, i, im, places[i]));
  return { data, height, width, transforms: images.map((im, i) => predictTransform(im.width, im.height, places[i])) };
}

/** Validation batches over pictures of these (EXIF-oriented) sizes: rect (sorted by aspect, pad 0.5) or square, in order. */
export function valBatchPlan(sizes: { width: number; height: number }[], batch: number, imgsz: number, rect: boolean): RectBatch[] {
  if (rect) return rectBatches(sizes, batch, imgsz);
  const out: RectBatch[] = [];
  for (let s = 0; s < sizes.length; s += batch) {
    out.push({ indices: Array.from({ length: Math.min(batch, sizes.length - s) }, (_, k) => s + k), shape: [imgsz, imgsz] });
  }
  return out;
}

/** Each picture stretched to imgsz x imgsz (separate x and y gains, no padding). */
export function stretchBatch(images: RgbImage[], imgsz: number): InputBatch {
  const data = new Float32Array(images.length * imgsz * imgsz * 3);
  const geometry = { unpadW: imgsz, unpadH: imgsz, width: imgsz, height: imgsz, left: 0, top: 0, right: 0, bottom: 0, ratio: 1 };
  images.forEach((im, i) => placeInto(data, i, im, geometry));
  return { data, height: imgsz, width: imgsz, transforms: images.map((im) => stretchTransform(im.width, im.height, imgsz)) };
}
