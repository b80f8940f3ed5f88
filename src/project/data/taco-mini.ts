import * as fs from 'node:fs';
import * as path from 'node:path';
import { DETECT_WASTE_MAPPING, mappingToCocoCategories } from './classes';
import { CocoAnnotation, CocoDataset, CocoImage } from './coco';
import { makeRng, randInt } from '../random';
import { Orientation, inverseOrientation, orientPixels } from './orientation';
import { drawBackground, drawObject, makeCanvas } from './mini-draw';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write';

export const TACO_MINI_DEFAULT_SIZE = 48;
const GENERATOR_VERSION = 1;
const MARKER = 'SYNTHETIC.json';

/** Displayed sizes: landscape and portrait, several resolutions (real TACO: 842..6000 px). */
const SIZES: [number, number][] = [[640, 480], [480, 640], [800, 600], [600, 800], [512, 384], [384, 512], [720, 540]];

export interface TacoMiniOptions { out: string; size?: number; seed?: number }

export interface TacoMiniResult { root: string; dataDir: string; detectWasteDir: string; images: number; boxes: number; reused: boolean }

interface Placed { cls: number; x: number; y: number; w: number; h: number; area: number }

function overlaps(a: Placed, b: { x: number; y: number; w: number; h: number }): boolean {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return ix * iy > 0.1 * Math.min(a.w * a.h, b.w * b.h);
}

/** Side length for a COCO small (<32), medium (32..96) or large (>96) box, within the picture. */
function pickSide(rng: () => number, W: number, H: number): number {
  const r = rng();
  const max = Math.floor(Math.min(W, H) * 0.55);
  if (r < 0.3) return randInt(rng, 14, 30);
  if (r < 0.75) return randInt(rng, 34, 90);
  return randInt(rng, 100, Math.max(101, max));
}

/**
 * SYNTHETIC TACO-mini: a small dataset in exactly TACO's layout (data/batch_N/*.jpg, data/annotations.json)
 * with detect-waste-style split files (detect-waste/annotations_{train,test}.json, 7 categories, plus a
 * few non-public `dumped/` entries without pixels, as in the real files). Portrait pictures are stored
 * rotated with an EXIF orientation tag, all eight orientations occur, and boxes are in the displayed
 * frame, as in TACO. The same seed and size give the same bytes.
 */
export async function generateTacoMini(opts: TacoMiniOptions): Promise<TacoMiniResult> {
  const size = opts.size ?? TACO_MINI_DEFAULT_SIZE;
  const seed = opts.seed ?? 0;
  if (!(Number.isInteger(size) && size >= 4)) throw new Error(`TACO-mini size must be an integer >= 4 (got ${size})`);
  const root = path.resolve(opts.out);
  const dataDir = path.join(root, 'data');
  const dwDir = path.join(root, 'detect-waste');
  const marker = { synthetic: true, generator: 'taco-companion TACO-mini', version: GENERATOR_VERSION, seed, size };
  const markerFile = path.join(root, MARKER);
  if (fs.existsSync(markerFile)) {
    const m = JSON.parse(fs.readFileSync(markerFile, 'utf8')) as typeof marker & { images: number; boxes: number };
    if (m.version === GENERATOR_VERSION && m.seed === seed && m.size === size)
      return { root, dataDir, detectWasteDir: dwDir, images: m.images, boxes: m.boxes, reused: true };
    fs.rmSync(root, { recursive: true, force: true }); // our own, different parameters: regenerate
  } else if (fs.existsSync(root) && fs.readdirSync(root).length > 0) {
    throw new Error(`${root} already holds other data: TACO-mini writes only into a new or empty folder`);
  }
  const sharp = (await import('sharp')).default;
  const rng = makeRng(seed);
  const nc = DETECT_WASTE_MAPPING.names.length;
  const perBatch = Math.max(2, Math.ceil(size / 5));
  const images: CocoImage[] = [];
  const anns: CocoAnnotation[] = [];
  let annId = 1;
  for (let i = 0; i < size; i++) {
    const batch = 1 + Math.floor(i / perBatch);
    const num = (i % perBatch) + 1;
    // batch_3 uses camera names with an upper-case extension, like the real one.
    const name = batch === 3 ? `IMG_${4850 + num}.JPG` : `${String(num).padStart(6, '0')}.jpg`;
    const [W, H] = SIZES[randInt(rng, 0, SIZES.length - 1)];
    // The first eight pictures cover orientations 1..8; later portrait ones mostly carry 6 or 8, like phone photos.
    const o = (i < 8 ? i + 1 : H > W ? (rng() < 0.5 ? 6 : 8) : rng() < 0.8 ? 1 : 3) as Orientation;
    const canvas = makeCanvas(W, H);
    drawBackground(canvas, rng);
    const placed: Placed[] = [];
    const want = randInt(rng, 2, 6);
    for (let k = 0, tries = 0; k < want && tries < 60; tries++) {
      const side = pickSide(rng, W, H);
      const aspect = 0.6 + rng() * 0.9;
      const w = Math.max(8, Math.min(W - 2, Math.round(side * Math.sqrt(aspect))));
      const h = Math.max(8, Math.min(H - 2, Math.round(side / Math.sqrt(aspect))));
      const cand = { x: randInt(rng, 0, W - w), y: randInt(rng, 0, H - h), w, h };
      if (placed.some((p) => overlaps(p, cand))) continue;
      const cls = randInt(rng, 0, nc - 1);
      placed.push({ ...cand, cls, area: drawObject(canvas, cls, cand.x, cand.y, w, h) });
      k++;
    }
    const file = `batch_${batch}/${name}`;
    images.push({ id: i, width: W, height: H, file_name: file, license: null, flickr_url: null, coco_url: null, date_captured: null, flickr_640_url: null, synthetic: true });
    for (const p of placed)
      anns.push({ id: annId++, image_id: i, category_id: DETECT_WASTE_MAPPING.indexToCategoryId[p.cls], bbox: [p.x, p.y, p.w, p.h], area: p.area, iscrowd: 0, segmentation: [[p.x, p.y, p.x + p.w, p.y, p.x + p.w, p.y + p.h, p.x, p.y + p.h]] });
    // Stored pixels = displayed picture under the inverse orientation; the tag rotates them back.
    const raw = orientPixels(canvas.px, W, H, 3, inverseOrientation(o));
    let enc = sharp(Buffer.from(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength), { raw: { width: raw.width, height: raw.height, channels: 3 } }).jpeg({ quality: 92 });
    if (o !== 1 || i % 2 === 0) enc = enc.withMetadata({ orientation: o });
    writeFileAtomic(path.join(dataDir, file), await enc.toBuffer());
  }
  const info = { description: 'SYNTHETIC TACO-mini: generated pictures in TACO layout, not real waste photographs', synthetic: true, seed, size, version: GENERATOR_VERSION };
  const categories = mappingToCocoCategories(DETECT_WASTE_MAPPING);
  const taco: CocoDataset = { info, images, annotations: anns, categories };
  writeJsonAtomic(path.join(dataDir, 'annotations.json'), taco);
  // detect-waste-style split (~79/21 like the real one) plus three non-public entries without pixels.
  const testIds = new Set(images.filter(() => rng() < 0.21).map((im) => im.id));
  if (testIds.size === 0) testIds.add(images[images.length - 1].id);
  const dumped = (k: number): CocoImage => ({ id: 1500 + k, width: 4032, height: 3024, file_name: `dumped/synthetic_nonpublic_${k}.jpeg`, license: 0, flickr_url: '', coco_url: '', date_captured: 0 });
  const make = (test: boolean, extra: CocoImage[]): CocoDataset => {
    const ims = images.filter((im) => testIds.has(im.id) === test).concat(extra);
    const ids = new Set(ims.map((im) => im.id));
    const a = anns.filter((x) => ids.has(x.image_id)).map(({ segmentation, ...rest }) => rest as CocoAnnotation);
    for (const e of extra) a.push({ id: 100000 + e.id, image_id: e.id, category_id: 1, bbox: [10, 10, 100, 100], area: 10000, iscrowd: 0 });
    return { info, images: ims, annotations: a, categories, licenses: [] };
  };
  writeJsonAtomic(path.join(dwDir, 'annotations_train.json'), make(false, [dumped(0), dumped(1)]));
  writeJsonAtomic(path.join(dwDir, 'annotations_test.json'), make(true, [dumped(2)]));
  writeFileAtomic(path.join(root, 'README.txt'), 'SYNTHETIC DATA. TACO-mini, generated by taco-companion (src/project/data/taco-mini.ts).\nThe pictures are drawn shapes on cluttered backgrounds, not real waste photographs.\nLayout as TACO: data/batch_N/*.jpg, data/annotations.json; detect-waste/annotations_{train,test}.json.\n');
  writeJsonAtomic(markerFile, { ...marker, images: images.length, boxes: anns.length }, 2);
  return { root, dataDir, detectWasteDir: dwDir, images: images.length, boxes: anns.length, reused: false };
}
