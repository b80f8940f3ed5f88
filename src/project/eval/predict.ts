/**
 * Prediction over images: preprocess like training, batched inference through any `predictFn` (the model's
 * `predict`: [B, H, W, 3] 0..1 -> [B, 4 + nc, A] decoded), NMS, boxes mapped back to the original frame.
 * `predictFolder` adds the run outputs (drawn images, YOLO txt, COCO results JSON) and images/s.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FrameTransform, ResizeMode, inputToOriginalXyxy } from './frame';
import { Detections, NmsOptions, nonMaxSuppression } from './nms';
import { prepareImage } from './preprocess';
import { CocoResult, cocoResults, imageIdFromPath, writeAtomic, yoloTxt } from './outputs';
import { drawDetections } from './draw';

export type PredictFn = (x: tf.Tensor4D) => tf.Tensor3D;

export interface PredictOptions extends NmsOptions {
  predictFn: PredictFn;
  nc: number;
  imgsz?: number;
  /** How the training images were made: 'stretch' (the project's default dataset) or 'letterbox'. */
  resize?: ResizeMode;
  batch?: number;
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

/** Predicts on a list of image files; results come back in input order. */
export async function predictImages(files: string[], opts: PredictOptions): Promise<{ results: ImagePrediction[]; timing: PredictTiming }> {
  const imgsz = opts.imgsz ?? 640;
  const mode = opts.resize ?? 'stretch';
  const bs = Math.max(1, opts.batch ?? 8);
  const results: ImagePrediction[] = [];
  const sec = { preprocess: 0, inference: 0, postprocess: 0, total: 0 };
  const t0 = performance.now();
  // Decoding the next batch overlaps the current inference.
  const load = (start: number) => Promise.all(files.slice(start, start + bs).map((f) => prepareImage(f, imgsz, mode)));
  let next = files.length ? load(0) : null;
  for (let start = 0; start < files.length; start += bs) {
    const tp = performance.now();
    const prepared = await next!;
    sec.preprocess += (performance.now() - tp) / 1000;
    next = start + bs < files.length ? load(start + bs) : null;

    const ti = performance.now();
    const B = prepared.length;
    const input = new Float32Array(B * imgsz * imgsz * 3);
    prepared.forEach((p, i) => input.set(p.data, i * imgsz * imgsz * 3));
    const x = tf.tensor4d(input, [B, imgsz, imgsz, 3]);
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
    if (b !== B || ch !== 4 + opts.nc) throw new Error(`predict: the model returned [${y.shape}], expected [${B}, ${4 + opts.nc}, anchors]`);

    const tq = performance.now();
    const dets = nonMaxSuppression(raw, B, opts.nc, A, opts);
    dets.forEach((d, i) => {
      const t = prepared[i].transform;
      results.push({ ...d, boxes: inputToOriginalXyxy(d.boxes, t), file: files[start + i], width: t.width0, height: t.height0, transform: t });
    });
    sec.postprocess += (performance.now() - tq) / 1000;
    opts.onProgress?.(Math.min(start + bs, files.length), files.length);
  }
  sec.total = (performance.now() - t0) / 1000;
  return { results, timing: { images: files.length, seconds: sec, imagesPerSecond: sec.total > 0 ? files.length / sec.total : 0 } };
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
  const { results, timing } = await predictImages(files, opts);
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
  return { results, timing, coco };
}
