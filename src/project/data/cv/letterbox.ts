/**
 * ultralytics 8.0.200 `LetterBox.__call__` on an image, pixel for pixel (ultralytics/data/augment.py):
 *   r = min(newH / h, newW / w), and r = min(r, 1) unless scaleup;
 *   unpad = (round(w * r), round(h * r)) with Python's round (half to even);
 *   dw, dh = newW - unpadW, newH - unpadH; with auto: dw, dh = dw mod stride, dh mod stride;
 *   with center: dw /= 2, dh /= 2 (floats);
 *   cv2.resize(img, unpad, INTER_LINEAR) when the size changes;
 *   top, bottom = round(dh - 0.1) (0 without center), round(dh + 0.1); left, right likewise with dw;
 *   cv2.copyMakeBorder(..., BORDER_CONSTANT, value 114).
 */
import type { RgbImage } from '../augment/image';
import { cvResize } from './resize';
import { pyRound } from './round';

export interface LetterboxOptions {
  /** Pad only up to the next multiple of `stride` (ultralytics predict on one picture). Default false. */
  auto?: boolean;
  /** Default 32. */
  stride?: number;
  /** Allow r > 1. Default true. */
  scaleup?: boolean;
  /** Split the padding between both sides; else all of it goes right and bottom. Default true. */
  center?: boolean;
  /** Default 114. */
  fill?: number;
}

export interface LetterboxGeometry {
  /** Scale applied to the picture (boxes: x * ratio + left, y * ratio + top). */
  ratio: number;
  /** Resized picture size before padding. */
  unpadW: number;
  unpadH: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
  /** Output size: unpad + padding. */
  width: number;
  height: number;
}

/** The geometry alone (sizes and padding), for boxes or for callers that resize elsewhere. */
export function letterboxGeometry(w: number, h: number, newShape: [number, number], opts: LetterboxOptions = {}): LetterboxGeometry {
  const { auto = false, stride = 32, scaleup = true, center = true } = opts;
  const [newH, newW] = newShape;
  let r = Math.min(newH / h, newW / w);
  if (!scaleup) r = Math.min(r, 1);
  const unpadW = pyRound(w * r), unpadH = pyRound(h * r);
  let dw = newW - unpadW, dh = newH - unpadH;
  if (auto) {
    // numpy's mod follows the divisor's sign, as Python's % does
    dw = ((dw % stride) + stride) % stride;
    dh = ((dh % stride) + stride) % stride;
  }
  if (center) { dw /= 2; dh /= 2; }
  const top = center ? pyRound(dh - 0.1) : 0, bottom = pyRound(dh + 0.1);
  const left = center ? pyRound(dw - 0.1) : 0, right = pyRound(dw + 0.1);
  return { ratio: r, unpadW, unpadH, top, bottom, left, right, width: unpadW + left + right, height: unpadH + top + bottom };
}

/** LetterBox on an RGB image; newShape is [height, width] as in ultralytics. */
export function letterboxCv(
  img: RgbImage, newShape: [number, number], opts: LetterboxOptions = {},
): { image: RgbImage; geometry: LetterboxGeometry } {
  const g = letterboxGeometry(img.width, img.height, newShape, opts);
  const fill = opts.fill ?? 114;
  if (g.unpadW <= 0 || g.unpadH <= 0) throw new Error(`letterbox: ${img.width}x${img.height} scales to nothing at ${newShape}`);
  const inner = g.unpadW === img.width && g.unpadH === img.height ? img : cvResize(img, g.unpadW, g.unpadH, 'linear');
  if (g.width < 0 || g.height < 0 || g.top < 0 || g.left < 0 || g.right < 0 || g.bottom < 0) {
    throw new Error(`letterbox: negative padding for ${img.width}x${img.height} at ${newShape}`);
  }
  const data = new Uint8Array(g.width * g.height * 3).fill(fill);
  const rowBytes = g.unpadW * 3;
  for (let y = 0; y < g.unpadH; y++) {
    const s = y * rowBytes;
    data.set(inner.data.subarray(s, s + rowBytes), ((y + g.top) * g.width + g.left) * 3);
  }
  return { image: { data, width: g.width, height: g.height }, geometry: g };
}
