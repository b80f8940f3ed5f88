/**
 * The pictures `taco bench data` times: TACO-like phone photos stored raw + EXIF orientation, with a marked
 * quadrant, so the bench also checks that each contender really applied the orientation (a fast pipeline
 * that skips it would otherwise win unnoticed).
 */
import * as fs from 'node:fs';
import { makeRng } from '../../project/random';
import { inverseOrientation, Orientation, orientPixels } from '../../project/data/orientation';

/**
 * A photo-like picture in the displayed frame (smooth gradients plus noise compress like a photo),
 * its top-left quadrant marked red, stored as raw pixels + EXIF orientation `o`, as a phone writes it.
 */
export async function writeSourceJpeg(file: string, W: number, H: number, o: Orientation, seed: number): Promise<{ bytes: number; rawW: number; rawH: number }> {
  const sharp = (await import('sharp')).default;
  const rng = makeRng(seed);
  const px = new Uint8Array(W * H * 3);
  const phase = Math.floor(rng() * 90);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = (y * W + x) * 3;
    const red = x < W / 2 && y < H / 2;
    px[i] = red ? 220 : 80 + ((x * 7 + phase) % 90) + Math.floor(rng() * 20);
    px[i + 1] = red ? 20 : 90 + ((y * 5 + phase) % 80) + Math.floor(rng() * 20);
    px[i + 2] = red ? 20 : 100 + (((x + y) * 3) % 70) + Math.floor(rng() * 20);
  }
  const raw = orientPixels(px, W, H, 3, inverseOrientation(o));
  const jpg = await sharp(Buffer.from(raw.data.buffer), { raw: { width: raw.width, height: raw.height, channels: 3 } }).jpeg({ quality: 92 }).withMetadata({ orientation: o }).toBuffer();
  fs.writeFileSync(file, jpg);
  return { bytes: jpg.length, rawW: raw.width, rawH: raw.height };
}

/** The output is imgsz x imgsz and only its top-left quadrant is red: orientation was applied. */
export async function orientationOk(file: string, imgsz: number): Promise<boolean> {
  const sharp = (await import('sharp')).default;
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== imgsz || info.height !== imgsz) return false;
  const red = (x: number, y: number) => {
    const i = (Math.floor(y) * info.width + Math.floor(x)) * info.channels;
    return data[i] > 180 && data[i + 1] < 70 && data[i + 2] < 70;
  };
  const q = imgsz / 4;
  return red(q, q) && !red(3 * q, q) && !red(q, 3 * q) && !red(3 * q, 3 * q);
}
