import { cvResize } from '../cv/resize';
import { letterboxCv } from '../cv/letterbox';
import { Boxes, RgbImage } from './image';

export interface LetterboxInfo {
  /** Scale applied to the original image (same for x and y). */
  ratio: number;
  /** Padding added on the left and the top, in output pixels. */
  padX: number;
  padY: number;
}

/**
 * Resizes keeping the aspect ratio so the long side fits `size`, then pads with grey to size x size,
 * centred (ultralytics LetterBox with auto=False, scaleup=True), with OpenCV's INTER_LINEAR pixels.
 */
export function letterbox(img: RgbImage, size: number): { image: RgbImage; info: LetterboxInfo } {
  const { image, geometry: g } = letterboxCv(img, [size, size]);
  return { image, info: { ratio: g.ratio, padX: g.left, padY: g.top } };
}

export function letterboxBoxes(b: Boxes, info: LetterboxInfo): Boxes {
  const xyxy = new Float32Array(b.xyxy.length);
  for (let i = 0; i < b.xyxy.length; i += 2) {
    xyxy[i] = b.xyxy[i] * info.ratio + info.padX;
    xyxy[i + 1] = b.xyxy[i + 1] * info.ratio + info.padY;
  }
  return { xyxy, cls: b.cls.slice() };
}

/**
 * Resize so that the long side is `size` (ultralytics load_image), boxes scaled with it: OpenCV's INTER_LINEAR
 * when augmenting (training) or enlarging, INTER_AREA when shrinking for validation (`augment` false).
 */
export function resizeLongSide(img: RgbImage, b: Boxes, size: number, augment = true): { image: RgbImage; boxes: Boxes } {
  const r = size / Math.max(img.width, img.height);
  if (r === 1) return { image: img, boxes: b };
  const w = Math.min(Math.ceil(img.width * r), size);
  const h = Math.min(Math.ceil(img.height * r), size);
  const sx = w / img.width;
  const sy = h / img.height;
  const xyxy = new Float32Array(b.xyxy.length);
  for (let i = 0; i < b.xyxy.length; i += 4) {
    xyxy[i] = b.xyxy[i] * sx;
    xyxy[i + 1] = b.xyxy[i + 1] * sy;
    xyxy[i + 2] = b.xyxy[i + 2] * sx;
    xyxy[i + 3] = b.xyxy[i + 3] * sy;
  }
  return { image: cvResize(img, w, h, augment || r > 1 ? 'linear' : 'area'), boxes: { xyxy, cls: b.cls.slice() } };
}
