import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeRng } from './random';
import { orientAndResize, probeImage } from './image-process';
import { resizeParams } from './resize-boxes';
import { mapPool } from './pool';
import { inverseOrientation, Orientation, orientPixels } from './orientation';

export interface BenchDataOptions { images?: number; width?: number; height?: number; orientation?: Orientation; imgsz?: number; concurrency?: number; seed?: number }

export interface BenchDataResult {
  images: number;
  source: string;
  imgsz: number;
  concurrency: number;
  seconds: number;
  imagesPerSecond: number;
  /** Pillow (draft-mode decode, exif_transpose, resize, save) on this 2-core machine, from the issue; not measured here */
  pillowReferenceImagesPerSecond: number;
  speedupVsPillowReference: number;
  orientationCorrect: boolean;
}

/**
 * TACO-sized JPEGs (default 2448x3264 displayed, stored 3264x2448 with EXIF orientation 6) through the
 * prepare step's own decode -> orient -> resize -> encode, in a temporary folder that is removed.
 */
export async function benchDataPipeline(opts: BenchDataOptions = {}): Promise<BenchDataResult> {
  const n = opts.images ?? 32;
  const W = opts.width ?? 2448, H = opts.height ?? 3264;
  const o = opts.orientation ?? 6;
  const imgsz = opts.imgsz ?? 640;
  const conc = opts.concurrency ?? os.cpus().length;
  const sharp = (await import('sharp')).default;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-bench-data-'));
  try {
    // Photo-like content (smooth gradients + noise) compresses like a real photo; the top-left
    // quadrant is marked red in the displayed frame so orientation can be checked.
    const rng = makeRng(opts.seed ?? 0);
    const px = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const red = x < W / 2 && y < H / 2;
      px[i] = red ? 220 : 80 + ((x * 7) % 90) + Math.floor(rng() * 20);
      px[i + 1] = red ? 20 : 90 + ((y * 5) % 80) + Math.floor(rng() * 20);
      px[i + 2] = red ? 20 : 100 + (((x + y) * 3) % 70) + Math.floor(rng() * 20);
    }
    const raw = orientPixels(px, W, H, 3, inverseOrientation(o));
    const jpg = await sharp(Buffer.from(raw.data.buffer), { raw: { width: raw.width, height: raw.height, channels: 3 } }).jpeg({ quality: 92 }).withMetadata({ orientation: o }).toBuffer();
    const files = Array.from({ length: n }, (_, i) => path.join(dir, `${String(i).padStart(6, '0')}.jpg`));
    for (const f of files) fs.writeFileSync(f, jpg);
    const params = resizeParams(W, H, imgsz, 'stretch');
    await orientAndResize(files[0], params); // warm-up: libvips initialisation is not per-image cost
    const t0 = process.hrtime.bigint();
    await mapPool(files, conc, async (f) => {
      const probe = await probeImage(f);
      if (probe.width !== W || probe.height !== H) throw new Error(`bench image probes as ${probe.width}x${probe.height}`);
      fs.writeFileSync(f.replace(/\.jpg$/, '_640.jpg'), await orientAndResize(f, params));
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const check = await sharp(files[0].replace(/\.jpg$/, '_640.jpg')).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => { const i = (y * check.info.width + x) * check.info.channels; return [check.data[i], check.data[i + 1], check.data[i + 2]]; };
    const tl = at(imgsz / 4, imgsz / 4), br = at((3 * imgsz) / 4, (3 * imgsz) / 4);
    const orientationCorrect = tl[0] > 180 && tl[1] < 70 && !(br[0] > 180 && br[1] < 70);
    const ips = n / seconds;
    const pillow = 17;
    return { images: n, source: `${W}x${H} displayed, stored ${raw.width}x${raw.height} + EXIF orientation ${o}, ${(jpg.length / 1e6).toFixed(2)} MB`, imgsz, concurrency: conc, seconds, imagesPerSecond: ips, pillowReferenceImagesPerSecond: pillow, speedupVsPillowReference: ips / pillow, orientationCorrect };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
