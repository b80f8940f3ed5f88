import * as tf from '@tensorflow/tfjs-core';
import { detectionLoss } from '../loss';
import { decodeHeads } from '../model/decode';
import type { YoloModel } from '../model/yolo';
import { inputToOriginalXyxy } from '../eval/frame';
import { placeInto, valBatchPlan } from '../eval/input-batch';
import { LetterboxGeometry, letterboxGeometry, valTransform } from '../eval/letterbox-geometry';
import { Detections, nonMaxSuppression } from '../eval/nms';
import { ValidationResult, Validator, VAL_NMS } from '../eval/validator';
import type { Sample } from './augment/image';
import type { ImageCache } from './loader';

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
 * One validation pass as ultralytics' DetectionValidator during training: the cache holds load_image's output
 * (INTER_AREA when shrinking); pictures go in rect batches (sorted by aspect ratio, pad 0.5; `rect` false: square),
 * letterboxed without scaleup; eval-mode forward, val losses from the same head maps, NMS at conf 0.001 / IoU 0.7
 * (multi-label), then predictions and labels both taken back to the original frame through ratio_pad, as
 * `validateImages` does for `taco val`, and the Validator (IoU 0.50:0.95, 101-point AP).
 */
export async function validateEpoch(
  model: YoloModel,
  cache: ImageCache,
  names: string[],
  opts: { batch: number; rect?: boolean; conf?: number; iou?: number; maxDet?: number; onBatch?: (done: number, total: number) => void },
): Promise<EpochMetrics> {
  const t0 = Date.now();
  const n = cache.size;
  const validator = new Validator(model.nc, names);
  const lossSum: [number, number, number] = [0, 0, 0];
  let batches = 0;
  const nms = { ...VAL_NMS, conf: opts.conf ?? VAL_NMS.conf, iou: opts.iou ?? VAL_NMS.iou, maxDet: opts.maxDet ?? VAL_NMS.maxDet };
  // The rect plan needs every picture's aspect ratio first: from the cache, or read from the file's header (no
  // decoding, so a pass without the RAM cache holds one batch of pictures at a time).
  const sized = await Promise.all(Array.from({ length: n }, (_, i) => cache.originalSize(i)));
  const ok = sized.map((s, i) => (s ? i : -1)).filter((i) => i >= 0);
  const sizes = ok.map((i) => sized[i]!);
  const plan = valBatchPlan(sizes, opts.batch, cache.imgsz, opts.rect ?? true);
  let done = n - ok.length;
  for (let b = 0; b < plan.length; b++) {
    const pb = plan[b];
    const loading = Promise.all(pb.indices.map((k) => cache.get(ok[k])));
    // The next batch decodes (in libvips' threads) while this one runs.
    if (b + 1 < plan.length) cache.prefetch(plan[b + 1].indices.map((k) => ok[k]));
    const loaded = await loading;
    // Positions (into `sizes`) of the pictures that decoded; a picture that fails is counted by the cache.
    const kept = pb.indices.filter((_, j) => loaded[j]);
    const samples = loaded.filter((x): x is Sample => x !== undefined);
    done += pb.indices.length - samples.length;
    if (samples.length === 0) continue;
    const [H, W] = pb.shape;
    const B = samples.length;
    const px = new Float32Array(B * H * W * 3);
    const places = samples.map((s) => letterboxGeometry(s.image.width, s.image.height, pb.shape, { scaleup: false }));
    samples.forEach((s, k) => placeInto(px, k, s.image, places[k]));
    const labels = samples.map((s, k) => labelsInInput(s, places[k]));
    const targets = { batchIdx: [] as number[], cls: [] as number[], bboxes: [] as number[][] };
    labels.forEach((xy, k) => {
      for (let j = 0; j < samples[k].boxes.cls.length; j++) {
        const [x1, y1, x2, y2] = xy.subarray(j * 4, j * 4 + 4);
        targets.batchIdx.push(k);
        targets.cls.push(samples[k].boxes.cls[j]);
        targets.bboxes.push([(x1 + x2) / 2 / W, (y1 + y2) / 2 / H, (x2 - x1) / W, (y2 - y1) / H]);
      }
    });
    const images = tf.tensor4d(px, [B, H, W, 3]);
    let dets: Detections[] = [];
    tf.tidy(() => {
      const feats = model.forward(images, false);
      const { items } = detectionLoss(feats, targets, { imgsz: [H, W], nc: model.nc, strides: model.strides, valueOnly: true });
      items.forEach((v: number, k: number) => (lossSum[k] += v));
      const pred = decodeHeads(feats, model.strides, model.nc);
      dets = nonMaxSuppression(pred.dataSync() as Float32Array, B, model.nc, pred.shape[2], nms);
    });
    images.dispose();
    batches++;
    samples.forEach((s, k) => {
      const size = sizes[kept[k]];
      const t = valTransform(size.width, size.height, s.image.height, places[k]);
      validator.update({ ...dets[k], boxes: inputToOriginalXyxy(dets[k].boxes, t) }, { boxes: inputToOriginalXyxy(labels[k], t), classes: s.boxes.cls });
    });
    done += B;
    opts.onBatch?.(done, n);
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

/** A sample's boxes (pixels of the load_image frame) placed in the letterboxed input as LetterBox places labels. */
function labelsInInput(s: Sample, g: LetterboxGeometry): Float32Array {
  const r = g.unpadW / s.image.width;
  const halfW = (g.width - g.unpadW) / 2;
  const halfH = (g.height - g.unpadH) / 2;
  const out = new Float32Array(s.boxes.xyxy.length);
  for (let i = 0; i < out.length; i += 2) {
    out[i] = s.boxes.xyxy[i] * r + halfW;
    out[i + 1] = s.boxes.xyxy[i + 1] * r + halfH;
  }
  return out;
}
