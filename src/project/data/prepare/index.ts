/**
 * `taco data prepare`, the homework's data preparation steps run locally: flatten TACO's batch folders, split
 * by detect-waste's annotation files, a seeded 90/10 train/val cut, auto-orient + resize (Roboflow's part),
 * and an ultralytics YOLO folder with COCO files in both frames. This file orders the steps and owns the output
 * folder's life cycle (marker first, data.yaml last); the steps live in the files beside it (checks, images, labels, manifest, locate, summary-text).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DETECT_WASTE_MAPPING } from '../classes';
import { DataError, duplicateAnnotationIds, readCocoFile } from '../coco';
import { SplitItem, isNonPublic, splitByDetectWaste } from '../split';
import { linkOutside } from '../safe-path';
import { makeRng, shuffled } from '../../random';
import { writeFileAtomic, writeJsonAtomic } from '../atomic-write';
import { YoloSplit, dataYamlText } from '../yolo-dataset';
import { generateTacoMini, TACO_MINI_DEFAULT_SIZE } from '../taco-mini';
import { MANIFEST_VERSION, MARKER, readManifest } from './manifest';
import { findDetectWasteDir, resolveTacoDataDir } from './locate';
import { checkOutFolder, checkSplitsUsable } from './checks';
import { processImages } from './images';
import { writeLabels } from './labels';
import { PrepareOptions, PrepareSummary } from './types';

export type { PrepareOptions, PrepareSummary, ImageDropReason } from './types';
export { findDetectWasteDir, resolveTacoDataDir } from './locate';
export { formatSummary } from './summary-text';

export const MINI_DIR = 'synthetic-taco-mini';

/**
 * The local equivalent of the seed's flatten + split + Roboflow step: TACO (or TACO-mini) in,
 * an ultralytics YOLO folder and COCO files in both frames out. Reruns reuse up-to-date images.
 */
export async function prepareDataset(opts: PrepareOptions): Promise<PrepareSummary> {
  const t0 = Date.now();
  const mapping = opts.mapping ?? DETECT_WASTE_MAPPING;
  const imgsz = opts.imgsz ?? 640;
  const mode = opts.mode ?? 'stretch';
  const valFraction = opts.valFraction ?? 0.1;
  const seed = opts.seed ?? 0;
  const quality = opts.quality ?? 90;
  const concurrency = Math.max(1, opts.concurrency ?? os.cpus().length);
  if (!(imgsz >= 32 && Number.isInteger(imgsz))) throw new DataError(`imgsz must be an integer >= 32 (got ${imgsz})`);
  if (!(valFraction >= 0 && valFraction < 1)) throw new DataError(`valFraction must be in [0, 1) (got ${valFraction})`);
  if (!(Number.isInteger(quality) && quality >= 1 && quality <= 100)) throw new DataError(`quality must be an integer in 1..100 (got ${quality})`);
  const out = path.resolve(opts.out);
  const synthetic = opts.taco === undefined;

  let tacoRoot: string;
  if (synthetic) {
    checkOutFolder(out, []);
    tacoRoot = path.join(out, MINI_DIR);
  } else {
    tacoRoot = path.resolve(opts.taco as string);
    if (!fs.existsSync(tacoRoot)) throw new DataError(`--taco ${opts.taco}: folder does not exist`);
    checkOutFolder(out, [tacoRoot, ...(opts.detectWaste ? [opts.detectWaste] : [])]);
  }
  fs.mkdirSync(out, { recursive: true });
  // Nothing is written through a link that leaves the output folder.
  for (const d of ['images', 'labels', 'coco', ...['train', 'val', 'test'].flatMap((s) => [`images/${s}`, `labels/${s}`])]) {
    const link = linkOutside(out, path.join(out, d));
    if (link) throw new DataError(`--out ${opts.out}: ${link}; remove it, nothing is written through it`);
  }
  const prev = readManifest(out) ?? { version: MANIFEST_VERSION, complete: false, entries: {} };
  // The marker goes first (so a crashed run can be resumed), and the completion files go away until the end.
  writeJsonAtomic(path.join(out, MARKER), { ...prev, complete: false });
  for (const f of ['data.yaml', 'summary.json']) fs.rmSync(path.join(out, f), { force: true });

  if (synthetic) await generateTacoMini({ out: tacoRoot, size: opts.mini?.size ?? TACO_MINI_DEFAULT_SIZE, seed: opts.mini?.seed ?? 0 });
  const tacoDataDir = resolveTacoDataDir(tacoRoot);
  const dwDir = opts.detectWaste ? path.resolve(opts.detectWaste) : findDetectWasteDir(tacoRoot, tacoDataDir);
  if (!dwDir) throw new DataError(`no detect-waste annotations_train.json/annotations_test.json found beside ${tacoRoot}: pass --detect-waste DIR`);
  const trainFile = path.join(dwDir, 'annotations_train.json');
  const testFile = path.join(dwDir, 'annotations_test.json');
  const sets = { train: readCocoFile(trainFile), test: readCocoFile(testFile) };
  const split = splitByDetectWaste(sets, tacoDataDir, mapping);

  // Seeded 90/10: shuffle detect-waste's train part in image-id order, the first share is val.
  const trainItems = split.items.filter((i) => i.split === 'train').sort((a, b) => a.image.id - b.image.id);
  const nVal = Math.round(trainItems.length * valFraction);
  const valIds = new Set(shuffled(trainItems, makeRng(seed)).slice(0, nVal).map((i) => i.image.id));
  const ysplitOf = (it: SplitItem): YoloSplit => (it.split === 'test' ? 'test' : valIds.has(it.image.id) ? 'val' : 'train');

  const { ok, entries, imagesSkipped, skippedExamples } = await processImages({ split, ysplitOf, out, prev, imgsz, mode, quality, concurrency, onProgress: opts.onProgress });
  checkSplitsUsable(ok, {
    // detect-waste's train part listed public images: the train split must end up with some.
    train: sets.train.images.some((im) => !isNonPublic(im)) ? Math.max(1, trainItems.length - nVal) : 0,
    val: nVal,
    test: sets.test.images.filter((im) => !isNonPublic(im)).length,
  }, { train: trainFile, val: trainFile, test: testFile }, tacoDataDir, imagesSkipped, skippedExamples);

  const { coco, framesInfo, dropped, clipped, kept, frames } = writeLabels({ ok, mapping, imgsz, mode, synthetic, out, droppedAnnotations: split.droppedAnnotations, sizeMismatch: imagesSkipped.sizeMismatch });

  // Outputs of a previous run that this run does not produce (another seed, a removed image) would
  // silently join the dataset: remove them, but only files the manifest says we wrote.
  for (const rel of Object.keys(prev.entries)) {
    if (entries[rel]) continue;
    fs.rmSync(path.join(out, rel), { force: true });
    fs.rmSync(path.join(out, rel.replace(/^images\//, 'labels/').replace(/\.jpg$/, '.txt')), { force: true });
  }

  // Every split has its folders, empty or not: readers (the trainer's val split) find what data.yaml names.
  for (const s of ['train', 'val', 'test'] as const) for (const d of ['images', 'labels']) fs.mkdirSync(path.join(out, d, s), { recursive: true });
  const outputs: PrepareSummary['outputs'] = { dataYaml: path.join(out, 'data.yaml'), coco: {} as PrepareSummary['outputs']['coco'], summary: path.join(out, 'summary.json') };
  for (const s of ['train', 'val', 'test'] as const) {
    const r = path.join(out, 'coco', `${s}_${imgsz}.json`);
    const o = path.join(out, 'coco', `${s}_original.json`);
    writeJsonAtomic(r, coco[s].resized);
    writeJsonAtomic(o, coco[s].original);
    outputs.coco[s] = { resized: r, original: o };
  }
  const reused = ok.filter((p) => p.reused).length;
  const seconds = (Date.now() - t0) / 1000;
  const summary: PrepareSummary = {
    synthetic,
    source: { tacoDataDir, detectWaste: { train: trainFile, test: testFile } },
    options: { imgsz, mode, valFraction, seed, quality },
    images: { train: coco.train.resized.images.length, val: coco.val.resized.images.length, test: coco.test.resized.images.length, total: ok.length, reused, processed: ok.length - reused },
    boxes: { kept, clipped, dropped },
    boxesOfSkippedImages: split.annotationsOfSkippedImages,
    duplicateAnnotationIds: duplicateAnnotationIds(sets.train) + duplicateAnnotationIds(sets.test),
    imagesSkipped,
    skippedExamples,
    frames,
    outputs,
    seconds,
    imagesPerSecond: ok.length - reused > 0 ? (ok.length - reused) / seconds : 0,
  };
  writeJsonAtomic(path.join(out, MARKER), { version: MANIFEST_VERSION, complete: true, entries });
  writeJsonAtomic(outputs.summary, summary, 2);
  // data.yaml last: its presence means the dataset is complete.
  writeFileAtomic(outputs.dataYaml, dataYamlText({ mapping, frame: framesInfo.resized, synthetic, source: synthetic ? `TACO-mini (synthetic), seed ${opts.mini?.seed ?? 0}` : tacoDataDir }));
  return summary;
}
