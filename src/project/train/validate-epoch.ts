import * as tf from '@tensorflow/tfjs-core';
import { detectionLoss } from '../loss';
import { decodeHeads } from '../model/decode';
import type { YoloModel } from '../model/yolo';
import { apPerClass } from '../eval/ap';
import { IOU_THRESHOLDS, matchPredictions } from '../eval/match';
import { Detections, nonMaxSuppression } from '../eval/nms';
import { ImageCache, makeValBatch } from './loader';

export interface EpochMetrics {
  precision: number;
  recall: number;
  map50: number;
  map: number;
  /** val/box_loss, val/cls_loss, val/dfl_loss (mean over batches, gains applied). */
  valLoss: [number, number, number];
  images: number;
  instances: number;
  seconds: number;
}

/** ultralytics fitness: 0.1*mAP50 + 0.9*mAP50-95. */
export function fitness(m: Pick<EpochMetrics, 'map50' | 'map'>): number {
  return 0.1 * m.map50 + 0.9 * m.map;
}

/**
 * One validation pass as ultralytics' DetectionValidator during training: eval-mode forward on
 * letterboxed images, val losses from the same head maps, NMS at conf 0.001 / IoU 0.7 (multi-label),
 * matching at IoU 0.50:0.95, mAP with 101-point interpolation. Boxes are compared in the letterboxed
 * input frame, which gives the same IoUs as the original frame for a letterbox (uniform scale).
 */
export async function validateEpoch(
  model: YoloModel,
  cache: ImageCache,
  opts: { batch: number; conf: number; iou: number; maxDet: number; onBatch?: (done: number, total: number) => void },
): Promise<EpochMetrics> {
  const t0 = Date.now();
  const n = cache.size;
  const tps: Uint8Array[] = [];
  const confs: number[] = [];
  const predCls: number[] = [];
  const targetCls: number[] = [];
  const lossSum: [number, number, number] = [0, 0, 0];
  let batches = 0;
  let images = 0;
  const nIou = IOU_THRESHOLDS.length;
  for (let s = 0; s < n; s += opts.batch) {
    const idx = Array.from({ length: Math.min(opts.batch, n - s) }, (_, k) => s + k);
    cache.prefetch(Array.from({ length: Math.min(opts.batch, Math.max(0, n - s - opts.batch)) }, (_, k) => s + opts.batch + k));
    const b = await makeValBatch(cache, idx);
    if (!b) continue;
    const B = b.images.shape[0];
    const S = b.images.shape[1];
    let dets: Detections[] = [];
    tf.tidy(() => {
      const feats = model.forward(b.images, false);
      const { items } = detectionLoss(feats, b.targets, { imgsz: [S, S], nc: model.nc, strides: model.strides });
      items.forEach((v, k) => (lossSum[k] += v));
      const pred = decodeHeads(feats, model.strides, model.nc);
      const data = pred.dataSync() as Float32Array;
      dets = nonMaxSuppression(data, B, model.nc, pred.shape[2], { conf: opts.conf, iou: opts.iou, maxDet: opts.maxDet, multiLabel: true });
    });
    b.images.dispose();
    batches++;
    b.samples.forEach((smp, k) => {
      const d = dets[k];
      const labels = smp.boxes;
      for (let i = 0; i < labels.cls.length; i++) targetCls.push(labels.cls[i]);
      images++;
      if (d.scores.length === 0) return;
      tps.push(matchPredictions(d.boxes, d.classes, labels.xyxy, labels.cls));
      d.scores.forEach((c) => confs.push(c));
      d.classes.forEach((c) => predCls.push(c));
    });
    opts.onBatch?.(Math.min(s + opts.batch, n), n);
  }
  const tp = new Uint8Array(confs.length * nIou);
  let o = 0;
  for (const t of tps) {
    tp.set(t, o);
    o += t.length;
  }
  let precision = 0, recall = 0, map50 = 0, map = 0;
  if (targetCls.length > 0 && confs.length > 0) {
    const r = apPerClass(tp, confs, predCls, targetCls, nIou);
    const k = r.classes.length;
    const mean = (a: ArrayLike<number>) => {
      let t = 0;
      for (let q = 0; q < a.length; q++) t += a[q];
      return a.length ? t / a.length : 0;
    };
    precision = mean(r.p);
    recall = mean(r.r);
    let s50 = 0, s95 = 0;
    for (let c = 0; c < k; c++) {
      s50 += r.ap[c * nIou];
      let row = 0;
      for (let t = 0; t < nIou; t++) row += r.ap[c * nIou + t];
      s95 += row / nIou;
    }
    map50 = k ? s50 / k : 0;
    map = k ? s95 / k : 0;
  }
  const div = Math.max(batches, 1);
  return {
    precision,
    recall,
    map50,
    map,
    valLoss: [lossSum[0] / div, lossSum[1] / div, lossSum[2] / div],
    images,
    instances: targetCls.length,
    seconds: (Date.now() - t0) / 1000,
  };
}
