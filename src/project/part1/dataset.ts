import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { createProgress } from '../../notebook/display/progress';
import { readCocoFile } from '../data/coco';
import { PrepareSummary, prepareDataset } from '../data/prepare';
import { SplitStats, boxScatterFigure, classHistogramFigure, preparedStats } from '../data/stats';
import { YoloImage, readYoloDataset, YoloSplit } from '../data/yolo-dataset';
import { yoloToXyxy } from '../eval/boxes';
import { drawDetections } from '../eval/draw';
import type { Detections } from '../eval/nms';
import type { PlotlyFigure } from '../eval/plots';
import type { Part1Config } from './config';

/** Flatten + split + orient + resize + 90/10 (the seed's preprocessing script and Roboflow step), with a progress bar. */
export async function prepareForConfig(c: Part1Config): Promise<PrepareSummary> {
  let bar: ReturnType<typeof createProgress> | undefined;
  const summary = await prepareDataset({
    out: c.dataOut,
    taco: c.tacoDir,
    detectWaste: c.detectWasteDir,
    imgsz: c.prepareImgsz,
    seed: c.seed,
    onProgress: (p) => {
      bar ??= createProgress({ total: p.total, label: 'prepare', unit: 'img' });
      bar.update(p.done);
    },
  });
  bar?.done();
  return summary;
}

export function dataYamlOf(c: Part1Config): string {
  return path.join(c.dataOut, 'data.yaml');
}

/** "Data directory preprocessing": what flattening and the detect-waste split kept and skipped. */
export function preprocessingRows(s: PrepareSummary): { step: string; count: number | string }[] {
  const skipped = Object.entries(s.imagesSkipped).filter(([, n]) => n > 0);
  return [
    { step: 'images kept, detect-waste train part (-> train + val)', count: s.images.train + s.images.val },
    { step: 'images kept, detect-waste test part (-> test)', count: s.images.test },
    ...(skipped.length ? skipped.map(([k, n]) => ({ step: `images skipped: ${k}`, count: n })) : [{ step: 'images skipped', count: 0 }]),
    { step: 'boxes of skipped images (gone with them)', count: s.boxesOfSkippedImages },
    { step: 'boxes kept (train / val / test)', count: `${s.boxes.kept.train} / ${s.boxes.kept.val} / ${s.boxes.kept.test}` },
    { step: 'boxes clipped to the image', count: s.boxes.clipped },
    { step: 'boxes dropped (empty, outside, unknown)', count: Object.values(s.boxes.dropped).reduce((a, b) => a + b, 0) },
    { step: 'repeated annotation ids (renumbered)', count: s.duplicateAnnotationIds },
    { step: 'images processed / reused from an earlier run', count: `${s.images.processed} / ${s.images.reused}` },
  ];
}

/** A few TACO file names and the flat names they became (batch_1/000006.jpg -> batch_1_000006.jpg). */
export function flattenExamples(dataOut: string, n = 4): { split: string; TACO: string; flat: string }[] {
  const out: { split: string; TACO: string; flat: string }[] = [];
  for (const split of ['train', 'val', 'test']) {
    const f = path.join(dataOut, 'coco', `${split}_original.json`);
    if (!fs.existsSync(f)) continue;
    for (const im of readCocoFile(f).images.slice(0, Math.ceil(n / 2))) out.push({ split, TACO: String(im.taco_file_name ?? ''), flat: im.file_name });
  }
  return out.slice(0, n);
}

/** "Datasets creation": the 90/10 + test split sizes, boxes per image and COCO size buckets in both frames. */
export function splitRows(stats: Record<string, SplitStats>, total = Object.values(stats).reduce((a, s) => a + s.images, 0)): Record<string, string | number>[] {
  return Object.entries(stats).map(([split, s]) => ({
    split,
    images: s.images,
    'share of images': `${((100 * s.images) / Math.max(total, 1)).toFixed(1)}%`,
    boxes: s.boxes,
    'boxes / image': s.images ? s.boxes / s.images : 0,
    'small / medium / large (original)': `${s.sizes.original.small} / ${s.sizes.original.medium} / ${s.sizes.original.large}`,
    'small / medium / large (resized)': `${s.sizes.resized.small} / ${s.sizes.resized.medium} / ${s.sizes.resized.large}`,
  }));
}

/** Boxes per class and split, with the class share of all boxes. */
export function classRows(stats: Record<string, SplitStats>): Record<string, string | number>[] {
  const splits = Object.keys(stats);
  const names = splits.length ? Object.keys(stats[splits[0]].classes) : [];
  const all = splits.reduce((a, s) => a + stats[s].boxes, 0);
  return names.map((name) => {
    const row: Record<string, string | number> = { class: name };
    let sum = 0;
    for (const s of splits) {
      row[s] = stats[s].classes[name] ?? 0;
      sum += stats[s].classes[name] ?? 0;
    }
    row.total = sum;
    row.share = `${((100 * sum) / Math.max(all, 1)).toFixed(1)}%`;
    return row;
  });
}

/** Histogram of boxes per image, one bar group per split. */
export function boxesPerImageFigure(stats: Record<string, SplitStats>): PlotlyFigure {
  return {
    data: Object.entries(stats).map(([split, s]) => ({ type: 'bar', name: split, x: Object.keys(s.boxesPerImage).map(Number), y: Object.values(s.boxesPerImage) })),
    layout: { title: { text: 'Boxes per image' }, barmode: 'group', xaxis: { title: { text: 'boxes in the image' }, dtick: 1 }, yaxis: { title: { text: 'images' } } },
  };
}

/** WebGL traces (scattergl) need a GPU context that headless browsers may lack; plain SVG traces draw everywhere. */
export function withoutWebgl(fig: { data: object[]; layout: object }): PlotlyFigure {
  return {
    data: fig.data.map((t) => {
      const tr = { ...(t as Record<string, unknown>) };
      if (tr.type === 'scattergl') tr.type = 'scatter';
      return tr;
    }),
    layout: { ...(fig.layout as Record<string, unknown>) },
  };
}

export interface DatasetFigures {
  classes: PlotlyFigure;
  boxesPerImage: PlotlyFigure;
  boxShapes: PlotlyFigure;
}

export function datasetFigures(dataOut: string, stats: Record<string, SplitStats> = preparedStats(dataOut)): DatasetFigures {
  const train = readCocoFile(path.join(dataOut, 'coco', 'train_original.json'));
  return {
    classes: withoutWebgl(classHistogramFigure(stats)),
    boxesPerImage: boxesPerImageFigure(stats),
    boxShapes: withoutWebgl(boxScatterFigure(train, 'Train boxes: width vs height (normalized)')),
  };
}

/** YOLO labels of one image as detections in its pixel frame (score 1), so the eval drawer can draw them. */
export function labelsAsDetections(im: YoloImage): Detections {
  const flat = im.labels.flatMap((l) => [l.cx, l.cy, l.w, l.h]);
  return { boxes: yoloToXyxy(flat, im.width, im.height), scores: new Float32Array(im.labels.length).fill(1), classes: Int32Array.from(im.labels.map((l) => l.cls)) };
}

/** Images side by side in a grid of `cols` columns, each scaled to `cell` pixels square; JPEG bytes (photos: a PNG would be ten times larger in the report). */
export async function tileImages(images: Buffer[], cols: number, cell = 320): Promise<Buffer> {
  if (images.length === 0) throw new Error('tileImages: no images');
  const c = Math.max(1, Math.min(cols, images.length));
  const rows = Math.ceil(images.length / c);
  const tiles = await Promise.all(
    images.map(async (b, i) => ({ input: await sharp(b).resize(cell, cell, { fit: 'contain', background: { r: 114, g: 114, b: 114 } }).png().toBuffer(), left: (i % c) * cell, top: Math.floor(i / c) * cell })),
  );
  return sharp({ create: { width: c * cell, height: rows * cell, channels: 3, background: { r: 255, g: 255, b: 255 } } }).composite(tiles).jpeg({ quality: 85 }).toBuffer();
}

/** The first `n` images of a split with their ground-truth boxes drawn, as one grid. */
export async function sampleImagesWithBoxes(dataYaml: string, split: YoloSplit, n = 6, cols = 3): Promise<Buffer> {
  const { images, data } = await readYoloDataset(dataYaml, split);
  if (images.length === 0) throw new Error(`${dataYaml}: the ${split} split has no images`);
  const drawn = await Promise.all(images.slice(0, n).map((im) => drawDetections(im.imagePath, labelsAsDetections(im), data.names, { showConf: false })));
  return tileImages(drawn, cols);
}

/** "Downloading the data": TACO's downloader into TACO_DIR/data (needs the internet), only when TACO_DOWNLOAD is set. */
export async function downloadForConfig(c: Part1Config): Promise<string> {
  if (!c.tacoDir) throw new Error('TACO_DOWNLOAD needs TACO_DIR: the folder that holds (or will hold) TACO\'s data/annotations.json');
  const { downloadTaco, defaultAnnotationsFile } = await import('../data/download');
  const { resolveTacoDataDir } = await import('../data/prepare');
  const dataDir = resolveTacoDataDir(c.tacoDir);
  let bar: ReturnType<typeof createProgress> | undefined;
  const r = await downloadTaco({
    annotations: defaultAnnotationsFile(dataDir),
    out: dataDir,
    onProgress: (p) => {
      bar ??= createProgress({ total: p.total, label: 'download', unit: 'img' });
      bar.update(p.done, p.failed ? `${p.failed} failed` : undefined);
    },
  });
  bar?.done();
  return `${r.downloaded} downloaded, ${r.alreadyComplete} already complete, ${r.failed.length} failed of ${r.total} (${(r.bytes / 2 ** 20).toFixed(0)} MiB in ${r.seconds.toFixed(0)} s)`;
}
