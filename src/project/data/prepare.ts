import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClassMapping, DETECT_WASTE_MAPPING, categoryIdToIndex, mappingToCocoCategories, mappingToJson } from './classes';
import { CocoAnnotation, CocoDataset, CocoImage, DataError, duplicateAnnotationIds, readCocoFile, xyxyToCoco } from './coco';
import { SplitItem, isNonPublic, splitByDetectWaste } from './split';
import { linkOutside } from './safe-path';
import { makeRng, shuffled } from '../random';
import { ResizeMode, ResizeParams, resizeParams, xyxyToResized, xyxyToYoloCxcywh } from './resize-boxes';
import { ImageProbe, orientAndResize, probeImage } from './image-process';
import { FrameDecision, annotationBoxToOriginal, reconcileFrame } from './frame-reconcile';
import { cleanBox, BoxDropReason } from './box-clean';
import { writeFileAtomic, writeFileAtomicAsync, writeJsonAtomic } from './atomic-write';
import { mapPool } from './pool';
import { YoloSplit, dataYamlText, yoloLabelLine } from './yolo-dataset';
import { generateTacoMini, TACO_MINI_DEFAULT_SIZE } from './taco-mini';

export interface PrepareOptions {
  /** output folder (YOLO folder + COCO files + summary); nothing is written outside it */
  out: string;
  /** TACO root (holding data/) or its data folder; absent: generate the synthetic TACO-mini inside `out` */
  taco?: string;
  /** folder with detect-waste's annotations_train.json and annotations_test.json (searched beside TACO when absent) */
  detectWaste?: string;
  imgsz?: number;
  mode?: ResizeMode;
  /** fraction of detect-waste's train part that becomes val */
  valFraction?: number;
  seed?: number;
  concurrency?: number;
  quality?: number;
  mini?: { size?: number; seed?: number };
  mapping?: ClassMapping;
  onProgress?: (p: { phase: 'images'; done: number; total: number }) => void;
}

export type ImageDropReason = 'nonPublic' | 'missing' | 'unsafePath' | 'decodeError' | 'sizeMismatch';

export interface PrepareSummary {
  synthetic: boolean;
  source: { tacoDataDir: string; detectWaste: { train: string; test: string } };
  options: { imgsz: number; mode: ResizeMode; valFraction: number; seed: number; quality: number };
  images: { train: number; val: number; test: number; total: number; reused: number; processed: number };
  boxes: { kept: { train: number; val: number; test: number; total: number }; clipped: number; dropped: Record<BoxDropReason, number> };
  /** annotations that left with their skipped image */
  boxesOfSkippedImages: number;
  /** annotations in the inputs that repeat an id (kept, renumbered in the outputs) */
  duplicateAnnotationIds: number;
  imagesSkipped: Record<ImageDropReason, number>;
  skippedExamples: Record<string, string[]>;
  frames: Record<FrameDecision['kind'], number>;
  outputs: { dataYaml: string; coco: Record<YoloSplit, { resized: string; original: string }>; summary: string };
  seconds: number;
  imagesPerSecond: number;
}

const MARKER = '.taco-prepare.json';
const MANIFEST_VERSION = 1;
export const MINI_DIR = 'synthetic-taco-mini';

interface ManifestEntry { src: string; size: number; mtimeMs: number; key: string; outSize: number; probe: ImageProbe }
interface Manifest { version: number; complete: boolean; entries: Record<string, ManifestEntry> }

function readManifest(out: string): Manifest | undefined {
  const f = path.join(out, MARKER);
  if (!fs.existsSync(f)) return undefined;
  try {
    const m = JSON.parse(fs.readFileSync(f, 'utf8')) as Manifest;
    return m && m.version === MANIFEST_VERSION && m.entries ? m : { version: MANIFEST_VERSION, complete: false, entries: {} };
  } catch {
    return { version: MANIFEST_VERSION, complete: false, entries: {} };
  }
}

/** TACO root or data folder -> the folder holding batch_N/ (and annotations.json). */
export function resolveTacoDataDir(taco: string): string {
  const d = path.join(taco, 'data');
  return fs.existsSync(path.join(d, 'annotations.json')) || fs.existsSync(path.join(d, 'batch_1')) ? d : taco;
}

export function findDetectWasteDir(tacoRoot: string, tacoDataDir: string): string | undefined {
  const cands = [path.join(tacoRoot, 'detect-waste'), path.join(tacoRoot, 'annotations'), tacoDataDir, tacoRoot, path.join(path.dirname(path.resolve(tacoRoot)), 'detect-waste')];
  return cands.find((c) => fs.existsSync(path.join(c, 'annotations_train.json')) && fs.existsSync(path.join(c, 'annotations_test.json')));
}

/** Refuse an output folder that holds data we did not write (nothing is lost to a typo in --out). */
function checkOutFolder(out: string, inputs: string[]): void {
  const abs = path.resolve(out);
  for (const inp of inputs) {
    const a = path.resolve(inp);
    if (abs === a || a.startsWith(abs + path.sep) || abs.startsWith(a + path.sep))
      throw new DataError(`--out ${out} overlaps the input folder ${inp}: choose a separate output folder`);
  }
  if (!fs.existsSync(abs)) return;
  if (!fs.statSync(abs).isDirectory()) throw new DataError(`--out ${out} exists and is not a folder`);
  const entries = fs.readdirSync(abs);
  if (entries.length > 0 && !entries.includes(MARKER))
    throw new DataError(`--out ${out} already holds other data (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}) and was not written by 'taco data prepare': choose an empty or new folder`);
}

/**
 * A split that should have pictures and has none is an error, before data.yaml is written (its presence
 * means "a complete dataset"): every picture missing, or all of a split's unreadable, used to give a dataset
 * with nothing to train on and exit 0. A split left empty on purpose (--val 0, no images listed for it, as in
 * an evaluation-only dataset) is fine; the trainer refuses an empty train split itself.
 */
function checkSplitsUsable(
  ok: { ysplit: YoloSplit }[], expected: Record<YoloSplit, number>, files: Record<YoloSplit, string>, dataDir: string,
  skipped: Record<string, number>, examples: Record<string, string[]>,
): void {
  for (const s of ['train', 'val', 'test'] as const) {
    if (expected[s] === 0 || ok.some((p) => p.ysplit === s)) continue;
    const counts = Object.entries(skipped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
    const eg = Object.entries(examples).flatMap(([k, v]) => (skipped[k] > 0 ? v.slice(0, 2).map((x) => `${k}: ${x}`) : [])).slice(0, 4);
    throw new DataError(
      `the ${s} split has no usable picture (of the images ${files[s]} lists; skipped: ${counts}${eg.length ? `; e.g. ${eg.join('; ')}` : ''}), ` +
        `looked for in ${dataDir}; no data.yaml written`,
    );
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

interface Processed { item: SplitItem; ysplit: YoloSplit; probe: ImageProbe; frame: FrameDecision; params: ResizeParams; reused: boolean }

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

  const key = JSON.stringify({ imgsz, mode, quality, v: MANIFEST_VERSION });
  const entries: Record<string, ManifestEntry> = {};
  const imagesSkipped: Record<ImageDropReason, number> = { ...split.skippedImages, decodeError: 0, sizeMismatch: 0 };
  const skippedExamples: Record<string, string[]> = { ...split.skippedExamples, decodeError: [], sizeMismatch: [] };
  const note = (reason: 'decodeError' | 'sizeMismatch', msg: string) => {
    imagesSkipped[reason]++;
    if (skippedExamples[reason].length < 5) skippedExamples[reason].push(msg);
  };
  let done = 0;
  opts.onProgress?.({ phase: 'images', done, total: split.items.length });
  const processed = await mapPool(split.items, concurrency, async (item): Promise<Processed | undefined> => {
    const ysplit = ysplitOf(item);
    const rel = `images/${ysplit}/${item.flatName}`;
    const dst = path.join(out, rel);
    try {
      const st = await fs.promises.stat(item.sourcePath);
      const old = prev.entries[rel];
      let probe: ImageProbe;
      let reused = false;
      if (old && old.src === item.sourcePath && old.size === st.size && old.mtimeMs === st.mtimeMs && old.key === key && fs.existsSync(dst) && fs.statSync(dst).size === old.outSize) {
        probe = old.probe;
        reused = true;
      } else probe = await probeImage(item.sourcePath);
      const frame = reconcileFrame(item.image.width, item.image.height, probe);
      if (frame.kind === 'mismatch') {
        note('sizeMismatch', `${item.image.file_name}: annotated ${item.image.width}x${item.image.height}, pixels ${probe.width}x${probe.height} (EXIF orientation ${probe.orientation})`);
        return undefined;
      }
      const params = resizeParams(frame.width, frame.height, imgsz, mode);
      let outSize = old?.outSize ?? 0;
      if (!reused) {
        const buf = await orientAndResize(item.sourcePath, params, quality);
        await writeFileAtomicAsync(dst, buf);
        outSize = buf.length;
      }
      entries[rel] = { src: item.sourcePath, size: st.size, mtimeMs: st.mtimeMs, key, outSize, probe };
      return { item, ysplit, probe, frame, params, reused };
    } catch (e) {
      if (e instanceof DataError) throw e;
      note('decodeError', `${item.image.file_name}: ${(e as Error).message}`);
      return undefined;
    } finally {
      done++;
      opts.onProgress?.({ phase: 'images', done, total: split.items.length });
    }
  });
  const ok = processed.filter((p): p is Processed => p !== undefined);
  checkSplitsUsable(ok, {
    // detect-waste's train part listed public images: the train split must end up with some.
    train: sets.train.images.some((im) => !isNonPublic(im)) ? Math.max(1, trainItems.length - nVal) : 0,
    val: nVal,
    test: sets.test.images.filter((im) => !isNonPublic(im)).length,
  }, { train: trainFile, val: trainFile, test: testFile }, tacoDataDir, imagesSkipped, skippedExamples);

  const dropped: Record<BoxDropReason, number> = { nonPositiveSize: 0, outsideImage: 0, unknownCategory: split.droppedAnnotations.unknownCategory, unknownImage: split.droppedAnnotations.unknownImage };
  let clipped = 0;
  const kept = { train: 0, val: 0, test: 0, total: 0 };
  const frames: Record<FrameDecision['kind'], number> = { displayed: 0, rawFrame: 0, rescaled: 0, mismatch: imagesSkipped.sizeMismatch };
  const coco = {} as Record<YoloSplit, { resized: CocoDataset; original: CocoDataset }>;
  const framesInfo = {
    resized: { kind: 'resized', imgsz, mode, note: `${imgsz}x${imgsz} ${mode === 'stretch' ? 'stretched (aspect not kept)' : 'letterboxed (gray 114 padding)'}, EXIF auto-oriented` },
    original: { kind: 'original', note: 'full-resolution displayed (EXIF-rotated) frame, as TACO annotates' },
  };
  for (const s of ['train', 'val', 'test'] as const) {
    const base = (frame: object): CocoDataset => ({
      info: { description: `TACO detect-waste ${s} split${synthetic ? ' (SYNTHETIC TACO-mini)' : ''}, prepared by taco-companion`, synthetic, frame },
      frame,
      class_mapping: mappingToJson(mapping),
      images: [],
      annotations: [],
      categories: mappingToCocoCategories(mapping),
    });
    coco[s] = { resized: base(framesInfo.resized), original: base(framesInfo.original) };
  }
  ok.sort((a, b) => a.item.image.id - b.item.image.id);
  for (const p of ok) {
    frames[p.frame.kind]++;
    const im = p.item.image;
    const resize = { sx: p.params.sx, sy: p.params.sy, padX: p.params.padX, padY: p.params.padY };
    const common = { id: im.id, file_name: p.item.flatName, taco_file_name: im.file_name, exif_orientation: p.probe.orientation, orig_width: p.frame.width, orig_height: p.frame.height, resize };
    const cr: CocoImage = { ...common, width: imgsz, height: imgsz };
    const co: CocoImage = { ...common, width: p.frame.width, height: p.frame.height };
    coco[p.ysplit].resized.images.push(cr);
    coco[p.ysplit].original.images.push(co);
    const lines: string[] = [];
    for (const a of p.item.annotations) {
      const xyxy = annotationBoxToOriginal(a.bbox, p.frame, p.probe);
      const c = cleanBox(xyxy, p.frame.width, p.frame.height);
      if (c.kind === 'dropped') { dropped[c.reason]++; continue; }
      if (c.clipped) clipped++;
      const cls = categoryIdToIndex(mapping, a.category_id) as number;
      const boxArea = (c.box[2] - c.box[0]) * (c.box[3] - c.box[1]);
      // TACO's area is the polygon's; keep it (COCO area ranges use it), bounded by the clipped box.
      const area = typeof a.area === 'number' && a.area > 0 ? Math.min(a.area, boxArea) : boxArea;
      const rb = xyxyToResized(c.box, p.params);
      const extra: Partial<CocoAnnotation> = c.clipped ? { clipped: true } : {};
      // Output ids are renumbered per file (sources may repeat ids, which breaks COCO matching); source_id keeps the link.
      const id = coco[p.ysplit].original.annotations.length + 1;
      coco[p.ysplit].original.annotations.push({ id, source_id: a.id, image_id: im.id, category_id: a.category_id, bbox: xyxyToCoco(c.box).map(round3) as CocoAnnotation['bbox'], area: round3(area), iscrowd: a.iscrowd ? 1 : 0, ...extra });
      coco[p.ysplit].resized.annotations.push({ id, source_id: a.id, image_id: im.id, category_id: a.category_id, bbox: xyxyToCoco(rb).map(round3) as CocoAnnotation['bbox'], area: round3(area * p.params.sx * p.params.sy), iscrowd: a.iscrowd ? 1 : 0, ...extra });
      lines.push(yoloLabelLine(cls, xyxyToYoloCxcywh(rb, imgsz, imgsz)));
      kept[p.ysplit]++;
      kept.total++;
    }
    writeFileAtomic(path.join(out, 'labels', p.ysplit, p.item.flatName.replace(/\.jpg$/, '.txt')), lines.length ? lines.join('\n') + '\n' : '');
  }

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

/** Human-readable closing summary of a prepare run. */
export function formatSummary(s: PrepareSummary): string {
  const dropped = Object.entries(s.boxes.dropped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const skipped = Object.entries(s.imagesSkipped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  return [
    `${s.synthetic ? 'SYNTHETIC TACO-mini' : 'TACO'} -> ${path.dirname(s.outputs.dataYaml)}`,
    `images written: train ${s.images.train}, val ${s.images.val}, test ${s.images.test} (${s.images.processed} processed, ${s.images.reused} up to date)`,
    `images skipped: ${skipped}${s.boxesOfSkippedImages ? ` (their ${s.boxesOfSkippedImages} boxes go with them)` : ''}`,
    ...Object.entries(s.imagesSkipped).filter(([k, n]) => n > 0 && k !== 'nonPublic' && s.skippedExamples[k]?.length).map(([k, n]) => `  ${k}: ${s.skippedExamples[k].slice(0, 3).join('; ')}${n > 3 ? `; and ${n - 3} more` : ''}`),
    `boxes kept: train ${s.boxes.kept.train}, val ${s.boxes.kept.val}, test ${s.boxes.kept.test}; clipped ${s.boxes.clipped}; dropped: ${dropped}`,
    `frames: ${Object.entries(s.frames).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `${s.options.imgsz}x${s.options.imgsz} ${s.options.mode}, seed ${s.options.seed}, ${s.seconds.toFixed(1)} s${s.imagesPerSecond ? `, ${s.imagesPerSecond.toFixed(1)} images/s` : ''}`,
    `summary: ${s.outputs.summary}`,
  ].join('\n');
}
