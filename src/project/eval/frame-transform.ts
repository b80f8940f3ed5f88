/**
 * The geometry between an original image and the model's input frame, and back.
 *
 * Two ways to make an input, matching how a dataset is built:
 * - `letterbox`: one gain, grey padding around the image (ultralytics' LetterBox; its geometry and the transforms of
 *   predict and validation are in letterbox-geometry.ts);
 * - `stretch`: separate x and y gains to imgsz x imgsz, no padding (the seed's Roboflow "resize to 640x640", which
 *   `taco data prepare` reproduces by default).
 * Boxes go back with x0 = (x - padX) / gainX, y0 = (y - padY) / gainY, then clipping to the original image.
 */

export type ResizeMode = 'letterbox' | 'stretch';

export interface FrameTransform {
  mode: ResizeMode;
  /** Original (EXIF-oriented) image size. */
  width0: number;
  height0: number;
  /** Model input size. */
  inputWidth: number;
  inputHeight: number;
  /** Size of the resized image inside the input (before padding). */
  resizedWidth: number;
  resizedHeight: number;
  gainX: number;
  gainY: number;
  /** Padding added on the left and top, in input pixels. */
  padX: number;
  padY: number;
}

/** Python's round(): half to even, which ultralytics' integer geometry relies on. */
export { roundHalfEven } from '../data/cv/round';
import { roundHalfEven } from '../data/cv/round';

export function stretchTransform(width0: number, height0: number, imgsz: number): FrameTransform {
  checkSize(width0, height0, imgsz);
  return {
    mode: 'stretch', width0, height0, inputWidth: imgsz, inputHeight: imgsz, resizedWidth: imgsz, resizedHeight: imgsz,
    gainX: imgsz / width0, gainY: imgsz / height0, padX: 0, padY: 0,
  };
}

/** [n, 4] xyxy in the model input frame -> new [n, 4] xyxy in the original frame, clipped to it. */
export function inputToOriginalXyxy(xyxy: ArrayLike<number>, t: FrameTransform): Float32Array {
  const out = new Float32Array(xyxy.length);
  for (let o = 0; o < xyxy.length; o += 4) {
    out[o] = clamp((xyxy[o] - t.padX) / t.gainX, t.width0);
    out[o + 1] = clamp((xyxy[o + 1] - t.padY) / t.gainY, t.height0);
    out[o + 2] = clamp((xyxy[o + 2] - t.padX) / t.gainX, t.width0);
    out[o + 3] = clamp((xyxy[o + 3] - t.padY) / t.gainY, t.height0);
  }
  return out;
}

/** [n, 4] xyxy in the original frame -> new [n, 4] xyxy in the model input frame (for drawing labels on inputs). */
export function originalToInputXyxy(xyxy: ArrayLike<number>, t: FrameTransform): Float32Array {
  const out = new Float32Array(xyxy.length);
  for (let o = 0; o < xyxy.length; o += 4) {
    out[o] = xyxy[o] * t.gainX + t.padX;
    out[o + 1] = xyxy[o + 1] * t.gainY + t.padY;
    out[o + 2] = xyxy[o + 2] * t.gainX + t.padX;
    out[o + 3] = xyxy[o + 3] * t.gainY + t.padY;
  }
  return out;
}

function clamp(v: number, hi: number): number {
  return v < 0 ? 0 : v > hi ? hi : v;
}

function checkSize(width0: number, height0: number, imgsz: number): void {
  if (!(width0 > 0 && height0 > 0)) throw new Error(`image size must be positive, got ${width0}x${height0}`);
  if (!(Number.isInteger(imgsz) && imgsz > 0)) throw new Error(`imgsz must be a positive integer, got ${imgsz}`);
}
