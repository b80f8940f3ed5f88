import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClassMapping, DETECT_WASTE_MAPPING, categoryIdToIndex } from './classes';
import { CocoDataset, readCocoFile } from './coco';

/** COCO's area ranges (pycocotools): small < 32^2 <= medium < 96^2 <= large, on the `area` field. */
export interface SizeBuckets { small: number; medium: number; large: number }

export function cocoSizeBuckets(ds: CocoDataset, scale?: (imageId: number) => number): SizeBuckets {
  const b: SizeBuckets = { small: 0, medium: 0, large: 0 };
  for (const a of ds.annotations) {
    const area = (a.area > 0 ? a.area : a.bbox[2] * a.bbox[3]) * (scale ? scale(a.image_id) : 1);
    if (area < 32 * 32) b.small++;
    else if (area < 96 * 96) b.medium++;
    else b.large++;
  }
  return b;
}

/** Area scale from an image's stated frame to imgsz x imgsz (stretch): what the 640 frame does to COCO ranges. */
export function scaleToImgsz(ds: CocoDataset, imgsz: number): (imageId: number) => number {
  const m = new Map(ds.images.map((im) => [im.id, (imgsz * imgsz) / (im.width * im.height)]));
  return (id) => m.get(id) ?? 1;
}

export function classCounts(ds: CocoDataset, mapping: ClassMapping = DETECT_WASTE_MAPPING): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of mapping.names) out[n] = 0;
  for (const a of ds.annotations) {
    const i = categoryIdToIndex(mapping, a.category_id);
    if (i !== undefined) out[mapping.names[i]]++;
  }
  return out;
}

/** Histogram: number of boxes in an image -> number of images. */
export function boxesPerImage(ds: CocoDataset): Record<number, number> {
  const per = new Map<number, number>(ds.images.map((im) => [im.id, 0]));
  for (const a of ds.annotations) if (per.has(a.image_id)) per.set(a.image_id, (per.get(a.image_id) as number) + 1);
  const h: Record<number, number> = {};
  for (const n of per.values()) h[n] = (h[n] ?? 0) + 1;
  return h;
}

export function imageSizes(ds: CocoDataset): { width: number; height: number; count: number }[] {
  const m = new Map<string, number>();
  for (const im of ds.images) m.set(`${im.width}x${im.height}`, (m.get(`${im.width}x${im.height}`) ?? 0) + 1);
  return [...m.entries()].map(([k, count]) => { const [w, h] = k.split('x').map(Number); return { width: w, height: h, count }; }).sort((a, b) => b.count - a.count);
}

export interface SplitStats {
  images: number;
  boxes: number;
  classes: Record<string, number>;
  boxesPerImage: Record<number, number>;
  sizes: { original: SizeBuckets; resized: SizeBuckets };
  imageSizes: { width: number; height: number; count: number }[];
}

/** Statistics of one split given its original-frame COCO file; the resized buckets scale areas to imgsz x imgsz. */
export function splitStats(original: CocoDataset, imgsz = 640, mapping: ClassMapping = DETECT_WASTE_MAPPING): SplitStats {
  return {
    images: original.images.length,
    boxes: original.annotations.length,
    classes: classCounts(original, mapping),
    boxesPerImage: boxesPerImage(original),
    sizes: { original: cocoSizeBuckets(original), resized: cocoSizeBuckets(original, scaleToImgsz(original, imgsz)) },
    imageSizes: imageSizes(original),
  };
}

/** Statistics of a prepared folder (`taco data prepare --out DIR`), per split. */
export function preparedStats(outDir: string): Record<string, SplitStats> {
  return preparedStatsReport(outDir).splits;
}

/** An input a reader left out, and why. */
export interface SkippedInput { file: string; reason: string }

/**
 * preparedStats with what it left out: a split whose COCO file is missing or unreadable, and pictures a
 * split lists that are not in images/<split>/ (left out of the counts, as the trainer never sees them).
 * Nothing is dropped silently: `taco data stats` prints each and records them in its JSON.
 */
export function preparedStatsReport(outDir: string): { splits: Record<string, SplitStats>; skipped: SkippedInput[] } {
  const res: Record<string, SplitStats> = {};
  const skipped: SkippedInput[] = [];
  const dir = path.join(outDir, 'coco');
  if (!fs.existsSync(dir)) throw new Error(`${outDir}: no coco/ folder; run 'taco data prepare' first`);
  for (const s of ['train', 'val', 'test']) {
    const f = path.join(dir, `${s}_original.json`);
    if (!fs.existsSync(f)) {
      skipped.push({ file: f, reason: `missing: the ${s} split is left out` });
      continue;
    }
    let ds: CocoDataset;
    try {
      ds = readCocoFile(f);
    } catch (e) {
      skipped.push({ file: f, reason: `unreadable, the ${s} split is left out: ${(e as Error).message}` });
      continue;
    }
    const imgDir = path.join(outDir, 'images', s);
    const absent = new Set<number>();
    for (const im of ds.images) {
      const p = path.join(imgDir, im.file_name);
      if (fs.existsSync(p)) continue;
      absent.add(im.id);
      skipped.push({ file: p, reason: `listed in ${f} but missing: left out of the ${s} counts` });
    }
    if (absent.size) ds = { ...ds, images: ds.images.filter((im) => !absent.has(im.id)), annotations: ds.annotations.filter((a) => !absent.has(a.image_id)) };
    const frame = ds.frame as { imgsz?: number } | undefined;
    const resized = fs.readdirSync(dir).find((x) => x.startsWith(`${s}_`) && /_\d+\.json$/.test(x));
    const imgsz = frame?.imgsz ?? (resized ? Number(/_(\d+)\.json$/.exec(resized)?.[1]) : 640);
    res[s] = splitStats(ds, imgsz);
  }
  return { splits: res, skipped };
}

/** Plotly figure spec: boxes per class and split (ultralytics labels.jpg, top-left panel). */
export function classHistogramFigure(stats: Record<string, SplitStats>, title = 'Boxes per class'): { data: object[]; layout: object } {
  return {
    data: Object.entries(stats).map(([split, s]) => ({ type: 'bar', name: split, x: Object.keys(s.classes), y: Object.values(s.classes) })),
    layout: { title: { text: title }, barmode: 'group', xaxis: { title: { text: 'class' } }, yaxis: { title: { text: 'boxes' } } },
  };
}

/** Plotly figure spec: normalized box width vs height (ultralytics labels.jpg, bottom-right panel). */
export function boxScatterFigure(ds: CocoDataset, title = 'Box width vs height (normalized)'): { data: object[]; layout: object } {
  const ims = new Map(ds.images.map((im) => [im.id, im]));
  const xs: number[] = [], ys: number[] = [];
  for (const a of ds.annotations) {
    const im = ims.get(a.image_id);
    if (!im) continue;
    xs.push(a.bbox[2] / im.width);
    ys.push(a.bbox[3] / im.height);
  }
  return {
    data: [{ type: 'scattergl', mode: 'markers', x: xs, y: ys, marker: { size: 3, opacity: 0.4 } }],
    layout: { title: { text: title }, xaxis: { title: { text: 'width' }, range: [0, 1] }, yaxis: { title: { text: 'height' }, range: [0, 1] } },
  };
}
