import * as fs from 'node:fs';
import * as path from 'node:path';
import { CocoAnnotation, CocoDataset, CocoImage, DataError } from './coco';
import { flatName, linkOutside, resolveInside } from './safe-path';
import { ClassMapping, categoryIdToIndex } from './classes';

export type SourceSplit = 'train' | 'test';

export interface SplitItem {
  split: SourceSplit;
  image: CocoImage;
  annotations: CocoAnnotation[];
  /** absolute path of the source image inside the TACO data folder */
  sourcePath: string;
  /** unique flat name, e.g. batch_1_000006.jpg */
  flatName: string;
}

export type ImageSkipReason = 'nonPublic' | 'missing' | 'unsafePath';

export interface SplitResult {
  items: SplitItem[];
  skippedImages: Record<ImageSkipReason, number>;
  /** a few examples per reason, for the report */
  skippedExamples: Record<ImageSkipReason, string[]>;
  /** annotations whose image was skipped (they go with it) */
  annotationsOfSkippedImages: number;
  droppedAnnotations: { unknownImage: number; unknownCategory: number };
}

/** detect-waste's non-public images: `dumped/...`, ids >= 1500, no pixels anywhere. */
export function isNonPublic(im: CocoImage): boolean {
  return /^dumped\//.test(im.file_name.replace(/\\/g, '/'));
}

/** The source file, tolerating only a `.jpg`/`.JPG` case difference of the extension. */
export function findSourceFile(full: string, exists: (p: string) => boolean): string | undefined {
  if (exists(full)) return full;
  const ext = path.extname(full);
  for (const alt of [ext.toLowerCase(), ext.toUpperCase()]) {
    const p = full.slice(0, full.length - ext.length) + alt;
    if (alt !== ext && exists(p)) return p;
  }
  return undefined;
}

/**
 * Select the usable images of the detect-waste train/test files: keep those whose pixels exist in
 * the TACO data folder, count the rest by reason, and give each kept image its flat name.
 */
export function splitByDetectWaste(
  sets: { train: CocoDataset; test: CocoDataset },
  tacoDataDir: string,
  mapping: ClassMapping,
  exists: (p: string) => boolean = (p) => fs.existsSync(p),
): SplitResult {
  const res: SplitResult = {
    items: [],
    skippedImages: { nonPublic: 0, missing: 0, unsafePath: 0 },
    skippedExamples: { nonPublic: [], missing: [], unsafePath: [] },
    annotationsOfSkippedImages: 0,
    droppedAnnotations: { unknownImage: 0, unknownCategory: 0 },
  };
  const flatTaken = new Map<string, string>();
  const fileSeen = new Map<string, SourceSplit>();
  for (const split of ['train', 'test'] as const) {
    const ds = sets[split];
    const byImage = new Map<number, CocoAnnotation[]>();
    for (const im of ds.images) byImage.set(im.id, []);
    for (const a of ds.annotations) {
      const list = byImage.get(a.image_id);
      if (!list) res.droppedAnnotations.unknownImage++;
      else if (categoryIdToIndex(mapping, a.category_id) === undefined) res.droppedAnnotations.unknownCategory++;
      else list.push(a);
    }
    for (const im of ds.images) {
      const anns = byImage.get(im.id) ?? [];
      const skip = (reason: ImageSkipReason, example = im.file_name) => {
        res.skippedImages[reason]++;
        res.annotationsOfSkippedImages += anns.length;
        if (res.skippedExamples[reason].length < 5) res.skippedExamples[reason].push(example);
      };
      if (isNonPublic(im)) { skip('nonPublic'); continue; }
      const full = resolveInside(tacoDataDir, im.file_name);
      if (!full) { skip('unsafePath'); continue; }
      const src = findSourceFile(full, exists);
      if (!src) { skip('missing'); continue; }
      // A name inside the folder can still lead anywhere through a link: such a picture is not read.
      const link = linkOutside(tacoDataDir, src);
      if (link) { skip('unsafePath', `${im.file_name}: ${link}`); continue; }
      const prev = fileSeen.get(im.file_name);
      if (prev) throw new DataError(`${im.file_name} is listed twice (in ${prev} and ${split}): the split must be a partition`);
      fileSeen.set(im.file_name, split);
      let flat = flatName(im.file_name);
      if (flatTaken.has(flat)) flat = flat.replace(/\.jpg$/, `_id${im.id}.jpg`);
      flatTaken.set(flat, im.file_name);
      res.items.push({ split, image: im, annotations: anns, sourcePath: src, flatName: flat });
    }
  }
  return res;
}
