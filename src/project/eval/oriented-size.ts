/**
 * Image -> model input, as training saw it: EXIF auto-orient, then stretch or letterbox to imgsz (grey 114
 * padding), RGB, values 0..1, NHWC. Returns the pixels and the frame transform that maps boxes back.
 */

import sharp from 'sharp';
import { FrameTransform, ResizeMode, frameTransform } from './frame';

export interface PreparedImage {
  /** [imgsz, imgsz, 3] float32 0..1, row-major HWC. */
  data: Float32Array;
  transform: FrameTransform;
}

/** Size of the displayed (EXIF-oriented) image, from its header only. */
export async function orientedSize(file: string | Buffer): Promise<{ width: number; height: number }> {
  const m = await sharp(file).metadata();
  if (!m.width || !m.height) throw new Error(`${describe(file)}: cannot read the image size`);
  const swap = (m.orientation ?? 1) >= 5;
  return swap ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
}

export async function prepareImage(file: string | Buffer, imgsz: number, mode: ResizeMode): Promise<PreparedImage> {
  let size;
  try {
    size = await orientedSize(file);
  } catch (e) {
    throw new Error(`${describe(file)}: cannot decode the image (${(e as Error).message})`);
  }
  const t = frameTransform(mode, size.width, size.height, imgsz);
  // Bilinear like ultralytics' cv2.INTER_LINEAR; shrink-on-load is left to sharp.
  let pipe = sharp(file).rotate().resize(t.resizedWidth, t.resizedHeight, { fit: 'fill', kernel: 'linear' });
  if (mode === 'letterbox') {
    pipe = pipe.extend({
      top: t.padY, bottom: t.inputHeight - t.resizedHeight - t.padY, left: t.padX, right: t.inputWidth - t.resizedWidth - t.padX,
      background: { r: 114, g: 114, b: 114 },
    });
  }
  const { data, info } = await pipe.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.width !== t.inputWidth || info.height !== t.inputHeight) {
    throw new Error(`${describe(file)}: resized to ${info.width}x${info.height}, expected ${t.inputWidth}x${t.inputHeight}`);
  }
  const n = info.width * info.height;
  const out = new Float32Array(n * 3);
  const ch = info.channels;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = data[i * ch + (ch >= 3 ? c : 0)] / 255;
  }
  return { data: out, transform: t };
}

function describe(file: string | Buffer): string {
  return typeof file === 'string' ? file : 'image buffer';
}
