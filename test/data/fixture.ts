import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { CocoDataset, CocoImage, CocoAnnotation } from '../../src/project/data/coco';
import { DETECT_WASTE_MAPPING, mappingToCocoCategories } from '../../src/project/data/classes';

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `taco-data-${tag}-`));
}

/** Solid JPEG of the given stored size, optionally tagged with an EXIF orientation. */
export async function solidJpeg(w: number, h: number, orientation?: number): Promise<Buffer> {
  let s = sharp({ create: { width: w, height: h, channels: 3, background: { r: 90, g: 120, b: 60 } } }).jpeg();
  if (orientation) s = s.withMetadata({ orientation });
  return s.toBuffer();
}

export interface FixtureImage { file: string; bytes?: Buffer; width: number; height: number; boxes?: [number, number, number, number][]; cat?: number; test?: boolean }

/** A small TACO-layout folder: data/batch_N/..., detect-waste/annotations_{train,test}.json. */
export async function writeTacoFixture(root: string, images: FixtureImage[], mutate?: (train: CocoDataset, test: CocoDataset) => void): Promise<void> {
  const data = path.join(root, 'data');
  const mk = (): CocoDataset => ({ images: [], annotations: [], categories: mappingToCocoCategories(DETECT_WASTE_MAPPING) });
  const train = mk(), test = mk();
  let annId = 1;
  for (let i = 0; i < images.length; i++) {
    const f = images[i];
    const ds = f.test ? test : train;
    if (f.bytes) {
      fs.mkdirSync(path.dirname(path.join(data, f.file)), { recursive: true });
      fs.writeFileSync(path.join(data, f.file), f.bytes);
    }
    const im: CocoImage = { id: i, file_name: f.file, width: f.width, height: f.height };
    ds.images.push(im);
    for (const b of f.boxes ?? [[10, 10, 20, 20]]) {
      const a: CocoAnnotation = { id: annId++, image_id: i, category_id: f.cat ?? 1, bbox: b, area: b[2] * b[3], iscrowd: 0 };
      ds.annotations.push(a);
    }
  }
  mutate?.(train, test);
  fs.mkdirSync(path.join(root, 'detect-waste'), { recursive: true });
  fs.writeFileSync(path.join(root, 'detect-waste', 'annotations_train.json'), JSON.stringify(train));
  fs.writeFileSync(path.join(root, 'detect-waste', 'annotations_test.json'), JSON.stringify(test));
}

/** Every file below `dir` (relative paths), for "nothing written outside" checks. */
export function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
