/**
 * `yolo val` in one call (ultralytics' `model.val(data=..., split=...)`): a split of a YOLO dataset, a model or
 * its weights (.pt, .safetensors or a name such as yolov8n), and `validate`'s one pass. `taco val` and the Part 1
 * notebook call it; the trainer calls `validate` on its own cache.
 */

import { DataYaml, readYoloDataset, YoloSplit } from '../data/yolo-dataset';
import type { YoloModel } from '../model/yolo';
import { ImageCache } from '../data/loader/train-loader';
import { validate, ValidateOptions, ValidationRun } from './validate';

export interface ValidateSplitOptions extends Omit<ValidateOptions, 'losses'> {
  data: string;
  split: YoloSplit;
  imgsz: number;
  /** A loaded model (kept), or weights to load (disposed after the pass). */
  model?: YoloModel;
  weights?: string;
}

export interface SplitValidation extends ValidationRun {
  data: DataYaml;
  /** Pictures per second over the whole pass (decoding included). */
  imagesPerSecond: number;
}

export async function validateSplit(o: ValidateSplitOptions): Promise<SplitValidation> {
  const { images, data, skipped: unlabeled } = await readYoloDataset(o.data, o.split);
  // --strict: a picture whose header cannot be read is an error too, named, before any work.
  if (o.strict && unlabeled.length) throw new Error(`${unlabeled[0].imagePath}: ${unlabeled[0].reason} (--strict)`);
  if (images.length === 0) throw new Error(`${o.data}: the ${o.split} split has no images`);
  let model = o.model;
  if (!model) {
    if (!o.weights) throw new Error('validateSplit: pass a model or weights');
    const { loadYolo } = await import('../model/load');
    model = (await loadYolo(o.weights)).model;
  }
  try {
    if (model.nc !== data.nc) throw new Error(`${o.data}: nc ${data.nc}, but ${o.weights ?? 'the model'} has nc ${model.nc}`);
    const cache = new ImageCache(images.map((im) => ({ imagePath: im.imagePath, labels: im.labels })), o.imgsz, false, false);
    const run = await validate(model, cache, data.names, o);
    const skipped = [...unlabeled.map((s) => ({ file: s.imagePath, reason: s.reason })), ...run.skipped];
    return { ...run, skipped, data, imagesPerSecond: run.seconds.total > 0 ? run.predictions.length / run.seconds.total : 0 };
  } finally {
    if (!o.model) model.dispose();
  }
}
