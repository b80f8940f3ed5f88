/**
 * Prediction over images: preprocess like training, batched inference through any `predictFn` (the model's
 * `predict`: [B, H, W, 3] 0..1 -> [B, 4 + nc, A] decoded), NMS, boxes mapped back to the original frame.
 * `predictFolder` adds the run outputs (drawn images, YOLO txt, COCO results JSON) and images/s.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FrameTransform, ResizeMode, inputToOriginalXyxy } from './frame-transform';
import { Detections, NmsOptions, nonMaxSuppression } from './nms';
import { InputBatch, predictBatch, stretchBatch } from './input-batch';
import { decodeLikeCv2 } from '../data/cv/decode';
import type { RgbImage } from '../data/augment/image';
import { CocoResult, cocoResults, imageIdFromPath, writeAtomic, yoloTxt } from './prediction-formats';
import { drawDetections } from './draw';

export type PredictFn = (x: tf.Tensor4D) => tf.Tensor3D;

export interface PredictOptions extends NmsOptions {
  predictFn: PredictFn;
  nc: number;
  imgsz?: number;
  /**
   * 'letterbox' (default): ultralytics predict (LetterBox, auto when the batch's pictures share one shape, else
   * square); 'stretch': separate x and y gains to imgsz x imgsz (how `taco data prepare` builds its dataset).
   */
  resize?: ResizeMode;
  batch?: number;
  /** An unreadable picture is an error instead of a counted skip. */
  strict?: boolean;
  /** Called after each batch with the number of images done. */
  onProgress?: (done: number, total: number) => void;
}

export interface ImagePrediction extends Detections {
  file: string;
  /** Boxes are in the original (EXIF-oriented) frame of this size. */
  width: number;
  height: number;
  transform: FrameTransform;
}

export interface PredictTiming {
  images: number;
  seconds: { preprocess: number; inference: number; postprocess: number; total: number };
  imagesPerSecond: number;
}

/** A picture that could not be read: it is left out of the results, and counted. */
export interface SkippedImage {
  file: string;
  reason: string;
}

/** A batch to run: positions in `files` and how to make their input. */
interface PlannedBatch {
  indices: number[];
  load: () => Promise<{ batch: InputBatch; skipped: SkippedImage[]; kept: number[] }>;
}

/** Decodes the pictures of a batch; unreadable ones are reported (or thrown, when strict). */
async function decodeAll(files: string[], indices: number[], strict: boolean) {
  const images: RgbImage[] = [];
  const kept: number[] = [];
  const skipped: SkippedImage[] = [];
  const decoded = await Promise.all(indices.map((i) => decodeLikeCv2(files[i]).then((im) => im, (e: Error) => e)));
  decoded.forEach((d, k) => {
    if (d instanceof Error) {
      if (strict) throw d;
      skipped.push({ file: files[indices[k]], reason: d.message });
    } else {
      images.push(d);
      kept.push(indices[k]);
    }
  });
  return { images, kept, skipped };
}

/** The batches of a run, in input order (validation, with its rect order, is validate.ts). */
async function planBatches(files: string[], opts: PredictOptions, skipped: SkippedImage[]): Promise<PlannedBatch[]> {
  const imgsz = opts.imgsz ?? 640;
  const bs = Math.max(1, opts.batch ?? 8);
  const strict = opts.strict ?? false;
  const chunks = (idx: number[]) => Array.from({ length: Math.ceil(idx.length / bs) }, (_, k) => idx.slice(k * bs, (k + 1) * bs));
  const all = files.map((_, i) => i);
  const make = (opts.resize ?? 'letterbox') === 'letterbox' ? predictBatch : stretchBatch;
  return chunks(all).map((indices) => ({
    indices,
    load: async () => {
      const d = await decodeAll(files, indices, strict);
      // Every picture of the batch unreadable: nothing to run (predictImages skips a batch with no kept picture).
      const batch = d.images.length ? make(d.images, imgsz) : { data: new Float32Array(0), height: 0, width: 0, transforms: [] };
      return { batch, skipped: d.skipped, kept: d.kept };
    },
  }));
}

/**
 * Predicts on a list of image files; results come back in input order, without the pictures that could not
 * be read (listed in `skipped`; `strict` makes the first one an error instead).
 */
export async function predictImages(files: string[], opts: PredictOptions): Promise<{ results: ImagePrediction[]; skipped: SkippedImage[]; timing: PredictTiming }> {
  const sec = { preprocess: 0, inference: 0, postprocess: 0, total: 0 };
  const t0 = performance.now();
  const skipped: SkippedImage[] = [];
  const plan = await planBatches(files, opts, skipped);
  const byIndex = new Map<number, ImagePrediction>();
  let done = skipped.length;
  // Decoding the next batch overlaps the current inference.
  let next = plan.length ? plan[0].load() : null;
  for (let k = 0; k < plan.length; k++) {
    const tp = performance.now();
    const { batch, skipped: sk, kept } = await next!;
    sec.preprocess += (performance.now() - tp) / 1000;
    next = k + 1 < plan.length ? plan[k + 1].load() : null;
    skipped.push(...sk);
    done += sk.length;
    const B = kept.length;
    if (B > 0) {
      const ti = performance.now();
      const x = tf.tensor4d(batch.data, [B, batch.height, batch.width, 3]);
      let y: tf.Tensor3D;
      try {
        y = opts.predictFn(x);
      } finally {
        x.dispose();
      }
      const [b, ch, A] = y.shape;
      const raw = (await y.data()) as Float32Array;
      y.dispose();
      sec.inference += (performance.now() - ti) / 1000;
      if (b !== B || ch !== 4 + opts.nc) throw new Error(`predict: the model returned [${b}, ${ch}, ${A}], expected [${B}, ${4 + opts.nc}, anchors]`);

      const tq = performance.now();
      const dets = nonMaxSuppression(raw, B, opts.nc, A, opts);
      dets.forEach((d, i) => {
        const t = batch.transforms[i];
        byIndex.set(kept[i], { ...d, boxes: inputToOriginalXyxy(d.boxes, t), file: files[kept[i]], width: t.width0, height: t.height0, transform: t });
      });
      sec.postprocess += (performance.now() - tq) / 1000;
      done += B;
    }
    opts.onProgress?.(done, files.length);
  }
  const results = files.map((_, i) => byIndex.get(i)).filter((r): r is ImagePrediction => r !== undefined);
  const order = new Map(files.map((f, i) => [f, i]));
  skipped.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
  sec.total = (performance.now() - t0) / 1000;
  return { results, skipped, timing: { images: results.length, seconds: sec, imagesPerSecond: sec.total > 0 ? results.length / sec.total : 0 } };
}

const IMAGE_EXT = /\.(jpe?g|png|bmp|webp|tiff?)$/i;

/** Image files of a folder (sorted), or the file itself. */
export function listImages(source: string): string[] {
  if (!fs.existsSync(source)) throw new Error(`${source}: no such file or folder`);
  if (fs.statSync(source).isFile()) return [source];
  const files = fs.readdirSync(source).filter((f) => IMAGE_EXT.test(f)).sort().map((f) => path.join(source, f));
  if (files.length === 0) throw new Error(`${source}: no images (jpg, png, bmp, webp, tif)`);
  return files;
}

/** runs/<task>/<name>, or <name>2, <name>3, ... when taken (ultralytics' increment_path); `existOk` reuses it. */
export function runDir(project: string, name: string, existOk = false): string {
  let dir = path.join(project, name);
  for (let k = 2; !existOk && fs.existsSync(dir); k++) dir = path.join(project, `${name}${k}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export interface FolderOutputs {
  /** Drawn images in <dir>/. */
  save?: boolean;
  /** YOLO txt per image in <dir>/labels/. */
  saveTxt?: boolean;
  saveConf?: boolean;
  /** COCO results in <dir>/predictions.json (needs the class -> category id mapping). */
  saveJson?: boolean;
  names: string[];
  indexToCategoryId?: readonly number[];
  /** COCO image id per file path; default: ultralytics' numeric-stem rule. */
  imageIdOf?: (file: string) => number | string;
}

/** Predicts over files and writes the chosen outputs into `dir` (created by the caller, e.g. runDir()). */
export async function predictFolder(files: string[], dir: string, opts: PredictOptions & FolderOutputs) {
  const { results, skipped, timing } = await predictImages(files, opts);
  const coco: CocoResult[] = [];
  const names = new Set<string>();
  for (const r of results) {
    let base = path.basename(r.file, path.extname(r.file));
    while (names.has(base)) base += '_';
    names.add(base);
    if (opts.save) writeAtomic(path.join(dir, `${base}.jpg`), await drawDetections(r.file, r, opts.names));
    if (opts.saveTxt) writeAtomic(path.join(dir, 'labels', `${base}.txt`), yoloTxt(r, r.width, r.height, opts.saveConf));
    if (opts.saveJson) {
      if (!opts.indexToCategoryId) throw new Error('predict: COCO output needs the class index -> category id mapping (data.yaml)');
      coco.push(...cocoResults(r, (opts.imageIdOf ?? imageIdFromPath)(r.file), opts.indexToCategoryId));
    }
  }
  if (opts.saveJson) writeAtomic(path.join(dir, 'predictions.json'), JSON.stringify(coco));
  return { results, skipped, timing, coco };
}
