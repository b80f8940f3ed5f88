import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { readYoloDataset } from '../yolo-dataset';
import { initBackend } from '../../backend/init';
import { DEFAULT_AUGMENT } from '../augment/pipeline';
import { Sample } from '../augment/image';
import { ImageCache, TrainLoader } from './train-loader';
import { Rng } from '../../random';
import { nextRunDir } from '../../train/run-dir';

/** ultralytics' colour palette (hex), one colour per class index. */
export const PALETTE = ['FF3838', 'FF9D97', 'FF701F', 'FFB21D', 'CFD231', '48F90A', '92CC17', '3DDB86', '1A9334', '00D4BB', '2C99A8', '00C2FF', '344593', '6473FF', '0018EC', '8438FF', '520085', 'CB38FF', 'FF95C8', 'FF37C7'];

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A grid of samples with their boxes and class names drawn, as JPEG bytes (like train_batch0.jpg). */
export async function renderBatchGrid(samples: Sample[], names: string[]): Promise<Buffer> {
  const S = samples[0].image.width;
  const cols = Math.ceil(Math.sqrt(samples.length));
  const rows = Math.ceil(samples.length / cols);
  const tiles = await Promise.all(
    samples.map(async (s, i) => {
      const shapes: string[] = [];
      for (let k = 0; k < s.boxes.cls.length; k++) {
        const [x1, y1, x2, y2] = s.boxes.xyxy.subarray(k * 4, k * 4 + 4);
        const c = PALETTE[s.boxes.cls[k] % PALETTE.length];
        const label = escapeXml(names[s.boxes.cls[k]] ?? String(s.boxes.cls[k]));
        shapes.push(`<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="none" stroke="#${c}" stroke-width="2"/>`);
        shapes.push(`<text x="${x1 + 2}" y="${Math.max(y1 - 3, 10)}" font-family="sans-serif" font-size="11" fill="#${c}">${label}</text>`);
      }
      const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S}">${shapes.join('')}</svg>`);
      const input = await sharp(Buffer.from(s.image.data), { raw: { width: S, height: S, channels: 3 } }).composite([{ input: svg }]).png().toBuffer();
      return { input, left: (i % cols) * S, top: Math.floor(i / cols) * S };
    }),
  );
  return sharp({ create: { width: cols * S, height: rows * S, channels: 3, background: { r: 114, g: 114, b: 114 } } }).composite(tiles).jpeg({ quality: 90 }).toBuffer();
}

/** `taco train --show-batch`: one augmented training batch drawn into <run>/train_batch0.jpg. */
export async function saveBatchPreview(o: { data: string; imgsz: number; batch: number; seed: number; project: string; name: string }): Promise<string> {
  // Collation builds the batch tensor; any backend will do for a preview.
  await initBackend({ backend: 'cpu' });
  const { images, data } = await readYoloDataset(o.data, 'train');
  if (images.length === 0) throw new Error(`${o.data}: the train split has no images`);
  const cache = new ImageCache(images.map((i) => ({ imagePath: i.imagePath, labels: i.labels })), o.imgsz);
  const loader = new TrainLoader(cache, o.batch, DEFAULT_AUGMENT, new Rng(o.seed));
  const idx = loader.epochOrder().slice(0, o.batch);
  const b = await loader.makeBatch(idx, true);
  if (!b) throw new Error(`${o.data}: no image of the first batch could be decoded`);
  b.images.dispose();
  const dir = nextRunDir(o.project, o.name, false);
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, 'train_batch0.jpg');
  fs.writeFileSync(`${out}.tmp`, await renderBatchGrid(b.samples, data.names));
  fs.renameSync(`${out}.tmp`, out);
  return out;
}
