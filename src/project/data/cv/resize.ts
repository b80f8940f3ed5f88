/**
 * `cv2.resize(img, (w, h), interpolation=...)` for uint8 images, bit-exact with OpenCV 4.x on CPU
 * (no IPP, no OpenCL), following the dispatch of OpenCV's `hal::resize` (imgproc/src/resize.cpp):
 * - same size: a copy;
 * - INTER_LINEAR with exactly 2x shrink on both axes is run as INTER_AREA (the 2x2 block mean);
 * - INTER_AREA with both axes shrinking (or equal): block mean for integer factors, else area weights;
 * - INTER_AREA with an axis growing: the bilinear code with OpenCV's "area mode" taps;
 * - INTER_LINEAR otherwise: the fixed-point bilinear code.
 * See resize-linear.ts and resize-area.ts for the arithmetic.
 */
import type { RgbImage } from '../augment/image';
import { resizeLinearU8 } from './resize-linear';
import { areaFastFactor, resizeAreaFastU8, resizeAreaGenericU8 } from './resize-area';

export type CvInterp = 'linear' | 'area';

/** `cv2.resize` on interleaved uint8 pixels with `cn` channels (any order: RGB and BGR give the same). */
export function cvResizeU8(
  src: Uint8Array, sw: number, sh: number, cn: number, dw: number, dh: number, interp: CvInterp,
): Uint8Array {
  if (!(sw > 0 && sh > 0 && dw > 0 && dh > 0) || ![sw, sh, dw, dh, cn].every(Number.isInteger)) {
    throw new Error(`cvResize: bad sizes ${sw}x${sh} -> ${dw}x${dh} (cn ${cn})`);
  }
  if (src.length !== sw * sh * cn) throw new Error(`cvResize: ${src.length} bytes for ${sw}x${sh}x${cn}`);
  if (sw === dw && sh === dh) return src.slice();
  const kx = areaFastFactor(sw, dw), ky = areaFastFactor(sh, dh);
  let mode = interp;
  if (mode === 'linear' && kx === 2 && ky === 2) mode = 'area';
  if (mode === 'area') {
    const scaleX = 1 / (dw / sw), scaleY = 1 / (dh / sh);
    if (scaleX >= 1 && scaleY >= 1) {
      return kx > 0 && ky > 0 ? resizeAreaFastU8(src, sw, sh, cn, kx, ky) : resizeAreaGenericU8(src, sw, sh, cn, dw, dh);
    }
    return resizeLinearU8(src, sw, sh, cn, dw, dh, true);
  }
  return resizeLinearU8(src, sw, sh, cn, dw, dh, false);
}

/** `cv2.resize(img, (width, height), interpolation=INTER_LINEAR | INTER_AREA)` on an RGB image. */
export function cvResize(img: RgbImage, width: number, height: number, interp: CvInterp): RgbImage {
  return { data: cvResizeU8(img.data, img.width, img.height, 3, width, height, interp), width, height };
}
