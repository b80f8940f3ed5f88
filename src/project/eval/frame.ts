/**
 * The geometry between an original image and the model's input frame, and back.
 *
 * Two ways to make an imgsz x imgsz input, matching how a dataset is built:
 * - `letterbox`: one gain r = min(imgsz/h0, imgsz/w0), grey padding split around the image (ultralytics' LetterBox,
 *   scaleup on, auto off: the square frame that validation uses);
 * - `stretch`: separate x and y gains, no padding (the seed's Roboflow "resize to 640x640", which `taco data prepare`
 *   reproduces by default).
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
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // + 0 turns -0 (Math.round(-0.1)) into 0.
  return (Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r) + 0;
}

export function letterboxTransform(width0: number, height0: number, imgsz: number): FrameTransform {
  checkSize(width0, height0, imgsz);
  const r = Math.min(imgsz / height0, imgsz / width0);
  const resizedWidth = roundHalfEven(width0 * r);
  const resizedHeight = roundHalfEven(height0 * r);
  const dw = (imgsz - resizedWidth) / 2;
  const dh = (imgsz - resizedHeight) / 2;
  return {
    mode: 'letterbox', width0, height0, inputWidth: imgsz, inputHeight: imgsz, resizedWidth, resizedHeight,
    gainX: r, gainY: r, padX: roundHalfEven(dw - 0.1), padY: roundHalfEven(dh - 0.1),
  };
}

export function stretchTransform(width0: number, height0: number, imgsz: number): FrameTransform {
  checkSize(width0, height0, imgsz);
  return {
    mode: 'stretch', width0, height0, inputWidth: imgsz, inputHeight: imgsz, resizedWidth: imgsz, resizedHeight: imgsz,
    gainX: imgsz / width0, gainY: imgsz / height0, padX: 0, padY: 0,
  };
}

export function frameTransform(mode: ResizeMode, width0: number, height0: number, imgsz: number): FrameTransform {
  return mode === 'letterbox' ? letterboxTransform(width0, height0, imgsz) : stretchTransform(width0, height0, imgsz);
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
