import type { Sharp } from 'sharp';
import { Orientation, displayedSize, isOrientation } from './orientation';
import { ResizeParams } from './resize-boxes';

/** What the decoder saw in a source file. */
export interface ImageProbe {
  format: string;
  rawW: number;
  rawH: number;
  orientation: Orientation;
  /** the displayed (EXIF-rotated) frame */
  width: number;
  height: number;
  channels: number;
  space: string;
  depth: string;
}

/** The letterbox padding colour used by ultralytics. */
export const LETTERBOX_GRAY = { r: 114, g: 114, b: 114 };

function loadSharp(): typeof import('sharp') {
  // Lazy: `taco --help` and modules that only need the box maths must not load libvips.
  return require('sharp') as typeof import('sharp');
}

function open(input: string | Buffer): Sharp {
  // 'truncated' fails on a cut-off JPEG but tolerates harmless warnings some phone JPEGs carry.
  return loadSharp()(input, { failOn: 'truncated' });
}

export async function probeImage(input: string | Buffer): Promise<ImageProbe> {
  const md = await open(input).metadata();
  if (!md.width || !md.height || !md.format) throw new Error('no image size or format in the header');
  const o: Orientation = isOrientation(md.orientation) ? md.orientation : 1;
  const [w, h] = displayedSize(md.width, md.height, o);
  return { format: md.format, rawW: md.width, rawH: md.height, orientation: o, width: w, height: h, channels: md.channels ?? 0, space: String(md.space ?? ''), depth: String(md.depth ?? '') };
}

/**
 * JPEG output settings, chosen for throughput and matched to Pillow's defaults (the benchmark's
 * reference): baseline (not progressive), 4:2:0 chroma, standard Huffman tables (optimising them is
 * a second pass over the coefficients, ~5% of the per-image time for a few % of file size), no
 * mozjpeg trellis quantisation.
 */
export function jpegOutputOptions(quality: number) {
  return { quality, chromaSubsampling: '4:2:0', progressive: false, optimiseCoding: false, mozjpeg: false, trellisQuantisation: false, overshootDeringing: false, optimiseScans: false } as const;
}

/**
 * Resampling kernel: Catmull-Rom cubic, the same filter as Pillow's default BICUBIC; after JPEG
 * shrink-on-load the residual shrink is under 4x, where it looks like lanczos3 and is ~7% cheaper.
 */
export const RESIZE_KERNEL = 'cubic' as const;

/**
 * Decode, auto-orient from EXIF, resize into the imgsz frame, and encode an 8-bit sRGB JPEG without
 * EXIF (so no reader rotates it twice). Any input sharp decodes works: PNG, grayscale, CMYK, 16-bit.
 *
 * Speed: `.rotate()` (EXIF) then `.resize()` straight on the freshly opened file lets libvips pick
 * JPEG shrink-on-load (DCT scaling by 1/2, 1/4 or 1/8, the largest that stays at least the target
 * size, like Pillow's draft mode; sharp swaps the target for 90/270 degree orientations and rotates
 * the small image afterwards). Nothing here may decode pixels first (a `.raw()` pass, an `.extract()`,
 * or a second pipeline on the same input) or shrink-on-load is lost: a 2448x3264 photo then costs ~2x.
 * `probeImage` only parses the header, so calling it first is fine.
 */
export async function orientAndResize(input: string | Buffer, p: ResizeParams, quality = 90): Promise<Buffer> {
  let img = open(input).rotate().resize(p.innerW, p.innerH, { fit: 'fill', kernel: RESIZE_KERNEL });
  if (p.mode === 'letterbox') {
    img = img.extend({
      top: p.padY,
      left: p.padX,
      bottom: p.imgsz - p.innerH - p.padY,
      right: p.imgsz - p.innerW - p.padX,
      background: LETTERBOX_GRAY,
    });
  }
  return img.removeAlpha().toColourspace('srgb').jpeg(jpegOutputOptions(quality)).toBuffer();
}

/** Decode fully (catches truncation anywhere in the stream) and return the probe. */
export async function verifyDecodes(input: string | Buffer): Promise<ImageProbe> {
  const probe = await probeImage(input);
  await open(input).resize(32, 32, { fit: 'fill' }).raw().toBuffer();
  return probe;
}
