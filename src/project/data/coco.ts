import * as fs from 'node:fs';

/** COCO box: [x, y, w, h] in pixels of the image's stated frame. */
export type CocoBox = [number, number, number, number];

export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  flickr_url?: string | null;
  flickr_640_url?: string | null;
  [key: string]: unknown;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: CocoBox;
  area: number;
  iscrowd: number;
  [key: string]: unknown;
}

export interface CocoCategory {
  id: number;
  name: string;
  supercategory?: string;
  [key: string]: unknown;
}

export interface CocoDataset {
  info?: Record<string, unknown>;
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
  [key: string]: unknown;
}

/** A bad input file: the message names the file and the problem. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/**
 * Parse and check the structure of a COCO detection file. Structural faults that make the file
 * ambiguous (bad JSON, missing arrays, duplicate image or category ids, malformed boxes) throw a
 * DataError; duplicate annotation ids are counted by `duplicateAnnotationIds`; dangling
 * references (an annotation for an unknown image or category) are left for the caller to count.
 */
export function parseCoco(text: string, file: string): CocoDataset {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const ds = raw as Partial<CocoDataset>;
  if (!ds || typeof ds !== 'object' || Array.isArray(ds)) throw new DataError(`${file}: expected a COCO object with images, annotations, categories`);
  for (const k of ['images', 'annotations', 'categories'] as const)
    if (!Array.isArray(ds[k])) throw new DataError(`${file}: '${k}' is missing or not an array`);
  const images = ds.images as CocoImage[];
  const anns = ds.annotations as CocoAnnotation[];
  const cats = ds.categories as CocoCategory[];
  const seenImg = new Set<number>();
  images.forEach((im, i) => {
    if (!im || !isInt(im.id)) throw new DataError(`${file}: images[${i}] has no integer id`);
    if (seenImg.has(im.id)) throw new DataError(`${file}: duplicate image id ${im.id} (images[${i}])`);
    seenImg.add(im.id);
    if (typeof im.file_name !== 'string' || im.file_name.length === 0) throw new DataError(`${file}: image id ${im.id} has no file_name`);
    if (!(im.width > 0) || !(im.height > 0)) throw new DataError(`${file}: image id ${im.id} (${im.file_name}) has no positive width/height`);
  });
  const seenCat = new Set<number>();
  cats.forEach((c, i) => {
    if (!c || !isInt(c.id)) throw new DataError(`${file}: categories[${i}] has no integer id`);
    if (seenCat.has(c.id)) throw new DataError(`${file}: duplicate category id ${c.id}`);
    seenCat.add(c.id);
  });
  anns.forEach((a, i) => {
    // Duplicate annotation ids are tolerated (TACO's own file repeats 309 and 4040): outputs renumber.
    if (!a || !isInt(a.id)) throw new DataError(`${file}: annotations[${i}] has no integer id`);
    if (!isInt(a.image_id) || !isInt(a.category_id)) throw new DataError(`${file}: annotation id ${a.id} has no integer image_id/category_id`);
    if (!Array.isArray(a.bbox) || a.bbox.length !== 4 || a.bbox.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
      throw new DataError(`${file}: annotation id ${a.id} has a bbox that is not 4 finite numbers`);
  });
  return ds as CocoDataset;
}

/** How many annotations repeat an id already used in the file. */
export function duplicateAnnotationIds(ds: CocoDataset): number {
  const seen = new Set<number>();
  let dup = 0;
  for (const a of ds.annotations) {
    if (seen.has(a.id)) dup++;
    seen.add(a.id);
  }
  return dup;
}

export function readCocoFile(file: string): CocoDataset {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseCoco(text, file);
}

export function cocoToXyxy(b: CocoBox): [number, number, number, number] {
  return [b[0], b[1], b[0] + b[2], b[1] + b[3]];
}

export function xyxyToCoco(b: readonly number[]): CocoBox {
  return [b[0], b[1], b[2] - b[0], b[3] - b[1]];
}
