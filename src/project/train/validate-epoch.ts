import * as tf from '@tensorflow/tfjs-core';
import { detectionLoss } from '../loss';
import { decodeHeads } from '../model/decode';
import type { YoloModel } from '../model/yolo';
import { Detections, nonMaxSuppression } from '../eval/nms';
import { ValidationResult, Validator, VAL_NMS } from '../eval/validator';
import { ImageCache, makeValBatch } from './loader';

export interface EpochMetrics {
  precision: number;
  recall: number;
  map50: number;
  map: number;
  fitness: number;
  /** val/box_loss, val/cls_loss, val/dfl_loss (mean over batches, gains applied). */
  valLoss: [number, number, number];
  images: number;
  instances: number;
  seconds: number;
  /** The full result (per-class table, curves, confusion matrix) of the pass. */
  result: ValidationResult;
}

/**
 * One validation pass as ultralytics' DetectionValidator during training: eval-mode forward on
 * letterboxed images, val losses from the same head maps, NMS at conf 0.001 / IoU 0.7 (multi-label),
 * then the eval module's Validator (matching at IoU 0.50:0.95, 101-point AP). Boxes are compared in the
 * letterboxed input frame: a letterbox scales uniformly, so IoUs equal those of the original frame.
 */
export async function validateEpoch(
  model: YoloModel,
  cache: ImageCache,
  names: string[],
  opts: { batch: number; conf?: number; iou?: number; maxDet?: number; onBatch?: (done: number, total: number) => void },
): Promise<EpochMetrics> {
  const t0 = Date.now();
  const n = cache.size;
  const validator = new Validator(model.nc, names);
  const lossSum: [number, number, number] = [0, 0, 0];
  let batches = 0;
  const nms = { ...VAL_NMS, conf: opts.conf ?? VAL_NMS.conf, iou: opts.iou ?? VAL_NMS.iou, maxDet: opts.maxDet ?? VAL_NMS.maxDet };
  for (let s = 0; s < n; s += opts.batch) {
    const idx = Array.from({ length: Math.min(opts.batch, n - s) }, (_, k) => s + k);
    const b = await makeValBatch(cache, idx);
    cache.prefetch(Array.from({ length: Math.max(0, Math.min(opts.batch, n - s - opts.batch)) }, (_, k) => s + opts.batch + k));
    if (!b) continue;
    const B = b.images.shape[0];
    const S = b.images.shape[1];
    let dets: Detections[] = [];
    tf.tidy(() => {
      const feats = model.forward(b.images, false);
      const { items } = detectionLoss(feats, b.targets, { imgsz: [S, S], nc: model.nc, strides: model.strides, valueOnly: true });
      items.forEach((v: number, k: number) => (lossSum[k] += v));
      const pred = decodeHeads(feats, model.strides, model.nc);
      dets = nonMaxSuppression(pred.dataSync() as Float32Array, B, model.nc, pred.shape[2], nms);
    });
    b.images.dispose();
    batches++;
    b.samples.forEach((smp, k) => validator.update(dets[k], { boxes: smp.boxes.xyxy, classes: smp.boxes.cls }));
    opts.onBatch?.(Math.min(s + opts.batch, n), n);
  }
  const result = validator.result();
  const m = result.metrics;
  const div = Math.max(batches, 1);
  return {
    precision: m.p,
    recall: m.r,
    map50: m.map50,
    map: m.map,
    fitness: m.fitness,
    valLoss: [lossSum[0] / div, lossSum[1] / div, lossSum[2] / div],
    images: m.images,
    instances: m.instances,
    seconds: (Date.now() - t0) / 1000,
    result,
  };
}
