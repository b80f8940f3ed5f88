/**
 * Decode a picture to the RGB bytes that `cv2.imread(path, IMREAD_COLOR)[:, :, ::-1]` gives (what
 * ultralytics feeds its models), with sharp.
 *
 * What has to agree (checked in test/data/cv-decode.test.ts against Debian's OpenCV 4.6 / libjpeg-turbo):
 * - EXIF orientation: imread applies it (IMREAD_COLOR without IMREAD_IGNORE_ORIENTATION); so does
 *   sharp's `.rotate()` with no angle, for all of 1..8.
 * - Colour management: imread ignores embedded ICC profiles. sharp by default converts a picture with a
 *   non-sRGB profile (Adobe RGB, gray profiles) to sRGB, changing pixels by up to 90 levels on COCO val
 *   pictures; `.keepIccProfile()` leaves the decoded samples alone.
 * - JPEG decoding itself: sharp's libjpeg (mozjpeg, a libjpeg-turbo fork) and the system libjpeg-turbo
 *   give the same bytes (ISLOW IDCT, fancy upsampling) for 4:4:4, 4:2:2, 4:2:0, progressive and gray.
 * - Gray pictures come out as three equal channels, alpha is dropped (not blended), as imread does.
 * Not matched: CMYK JPEGs (imread inverts CMYK itself; sharp goes through a CMYK profile) and 16-bit PNGs.
 */
import sharp from 'sharp';
import type { RgbImage } from '../augment/image';

/** `cv2.imread(file, cv2.IMREAD_COLOR)` flipped to RGB. Throws with the file name when it cannot decode. */
export async function decodeLikeCv2(input: string | Buffer): Promise<RgbImage> {
  const name = typeof input === 'string' ? input : 'image buffer';
  let data: Buffer, info: sharp.OutputInfo;
  try {
    ({ data, info } = await sharp(input).rotate().keepIccProfile().raw().toBuffer({ resolveWithObject: true }));
  } catch (e) {
    throw new Error(`${name}: cannot decode image (${(e as Error).message})`);
  }
  const { width, height, channels } = info;
  if (data.length !== width * height * channels) throw new Error(`${name}: not 8-bit samples`);
  const src = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (channels === 3) return { data: src, width, height };
  const out = new Uint8Array(width * height * 3);
  const n = width * height;
  if (channels === 1 || channels === 2) {
    for (let i = 0; i < n; i++) { const v = src[i * channels]; out[i * 3] = v; out[i * 3 + 1] = v; out[i * 3 + 2] = v; }
  } else if (channels === 4) {
    for (let i = 0; i < n; i++) { out[i * 3] = src[i * 4]; out[i * 3 + 1] = src[i * 4 + 1]; out[i * 3 + 2] = src[i * 4 + 2]; }
  } else {
    throw new Error(`${name}: ${channels} channels`);
  }
  return { data: out, width, height };
}
