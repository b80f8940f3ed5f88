/**
 * The one validation pass, as ultralytics' `DetectionValidator` runs it for `yolo val` and for the trainer after
 * each epoch (8.0.200): pictures from `load_image` (long side to imgsz, INTER_AREA when shrinking) in rect batches
 * (sorted by aspect ratio, pad 0.5) or square ones, LetterBox without upscaling, eval-mode forward, optional val
 * losses from the same head maps, NMS at conf 0.001 / IoU 0.7 multi-label, then predictions and labels both taken
 * back to each picture's original frame through ratio_pad (load_image's height ratio as the one gain), and the
 * Validator (matching at IoU 0.50:0.95, 101-point AP, confusion matrix).
 * `taco val`, the Part 1 notebook and the trainer all call it.
 */

import * as tf from '@tensorflow/tfjs-core';
import { detectionLoss } from '../loss';
import { decodeHeads } from '../model/decode';
import type { YoloModel } from '../model/yolo';
import type { Sample } from '../data/augment/image';
import type { ImageCache } from '../data/loader/train-loader';
import { inputToOriginalXyxy } from './frame-transform';
import { placeInto, valBatchPlan } from './input-batch';
import { LetterboxGeometry, letterboxGeometry, valTransform } from './letterbox-geometry';
import { NmsOptions, nonMaxSuppression } from './nms';
import type { ImagePrediction, SkippedImage } from './predict';
import { ValidationResult, Validator, VAL_NMS } from './validation-metrics';

export interface ValidateOptions extends NmsOptions {
  batch: number;
  /** ultralytics' rect batches (default true); false: square imgsz x imgsz inputs. */
  rect?: boolean;
  /** Also compute val/box, val/cls, val/dfl losses (the trainer's columns). */
  losses?: boolean;
  /** An unreadable picture is an error instead of a counted skip. */
  strict?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface ValidationRun {
  validation: ValidationResult;
  /** Detections per picture in its original frame (conf >= the NMS threshold), in the cache's order. */
  predictions: ImagePrediction[];
  skipped: SkippedImage[];
  /** Mean over batches of [box, cls, dfl] (gains applied), when `losses` was asked for. */
  valLoss?: [number, number, number];
  seconds: { preprocess: number; inference: number; postprocess: number; total: number };
}

/** A sample's boxes (pixels of the load_image frame) as LetterBox places labels: scaled, plus the unrounded half padding. */
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

/** Loss targets of a batch: image index, class, and boxes as cx, cy, w, h normalised to the batch's input. */
function lossTargets(samples: Sample[], labels: Float32Array[], H: number, W: number) {
  const t = { batchIdx: [] as number[], cls: [] as number[], bboxes: [] as number[][] };
  labels.forEach((xy, k) => {
    for (let j = 0; j < samples[k].boxes.cls.length; j++) {
      const [x1, y1, x2, y2] = xy.subarray(j * 4, j * 4 + 4);
      t.batchIdx.push(k);
      t.cls.push(samples[k].boxes.cls[j]);
      t.bboxes.push([(x1 + x2) / 2 / W, (y1 + y2) / 2 / H, (x2 - x1) / W, (y2 - y1) / H]);
    }
  });
  return t;
}

/**
 * Validates `model` on the pictures of `cache` (an ImageCache made with augment off, so it holds load_image's
 * output; with `keep` it is the trainer's RAM cache, reused every epoch).
 */
export async function validate(model: YoloModel, cache: ImageCache, names: string[], o: ValidateOptions): Promise<ValidationRun> {
  const t0 = performance.now();
  const sec = { preprocess: 0, inference: 0, postprocess: 0, total: 0 };
  const n = cache.size;
  const nms = { ...VAL_NMS, conf: o.conf ?? VAL_NMS.conf, iou: o.iou ?? VAL_NMS.iou, maxDet: o.maxDet ?? VAL_NMS.maxDet, agnostic: o.agnostic ?? VAL_NMS.agnostic };
  const validator = new Validator(model.nc, names);
  const lossSum: [number, number, number] = [0, 0, 0];
  let lossBatches = 0;
  const byIndex = new Map<number, ImagePrediction>();
  const fail = (i: number) => {
    const why = cache.failed.get(i) ?? 'cannot read the image';
    if (o.strict) throw new Error(why.startsWith(cache.items[i].imagePath) ? why : `${cache.items[i].imagePath}: ${why}`);
  };

  // The rect plan needs every picture's aspect ratio first: from the cache, or from the file's header (no pixels
  // decoded, so a pass without the RAM cache holds one batch of pictures at a time).
  const sized = await Promise.all(Array.from({ length: n }, (_, i) => cache.originalSize(i)));
  sized.forEach((s, i) => s || fail(i));
  const ok = sized.map((s, i) => (s ? i : -1)).filter((i) => i >= 0);
  const plan = valBatchPlan(ok.map((i) => sized[i]!), o.batch, cache.imgsz, o.rect ?? true);
  let done = n - ok.length;
  for (let b = 0; b < plan.length; b++) {
    const tp = performance.now();
    const idx = plan[b].indices.map((k) => ok[k]);
    const loading = Promise.all(idx.map((i) => cache.get(i)));
    // The next batch decodes (in libvips' threads) while this one runs.
    if (b + 1 < plan.length) cache.prefetch(plan[b + 1].indices.map((k) => ok[k]));
    const loaded = await loading;
    loaded.forEach((s, j) => s || fail(idx[j]));
    const kept = idx.filter((_, j) => loaded[j]);
    const samples = loaded.filter((s): s is Sample => s !== undefined);
    done += idx.length - samples.length;
    if (samples.length === 0) continue;
    const [H, W] = plan[b].shape;
    const B = samples.length;
    const px = new Float32Array(B * H * W * 3); // [B, H, W, 3]
    const places = samples.map((s) => letterboxGeometry(s.image.width, s.image.height, plan[b].shape, { scaleup: false }));
    samples.forEach((s, k) => placeInto(px, k, s.image, places[k]));
    const labels = samples.map((s, k) => labelsInInput(s, places[k]));
    sec.preprocess += (performance.now() - tp) / 1000;

    const ti = performance.now();
    const images = tf.tensor4d(px, [B, H, W, 3]);
    let pred: tf.Tensor3D;
    try {
      pred = tf.tidy(() => {
        const feats = model.forward(images, false); // [B, h, w, 64 + nc] per stride
        if (o.losses) {
          const { items } = detectionLoss(feats, lossTargets(samples, labels, H, W), { imgsz: [H, W], nc: model.nc, strides: model.strides, valueOnly: true });
          items.forEach((v: number, k: number) => (lossSum[k] += v));
        }
        return decodeHeads(feats, model.strides, model.nc); // [B, 4 + nc, A]
      });
    } finally {
      images.dispose();
    }
    // Read outside tidy: tidy walks what its callback returns, element by element for a typed array (17 s for
    // a batch of 16 at 640, against 0.9 s for the forward itself).
    const A = pred.shape[2];
    const raw = pred.dataSync() as Float32Array;
    pred.dispose();
    lossBatches++;
    sec.inference += (performance.now() - ti) / 1000;

    const tq = performance.now();
    const dets = nonMaxSuppression(raw, B, model.nc, A, nms);
    samples.forEach((s, k) => {
      const size = sized[kept[k]]!;
      const t = valTransform(size.width, size.height, s.image.height, places[k]);
      const pred: ImagePrediction = { ...dets[k], boxes: inputToOriginalXyxy(dets[k].boxes, t), file: cache.items[kept[k]].imagePath, width: size.width, height: size.height, transform: t };
      byIndex.set(kept[k], pred);
      validator.update(pred, { boxes: inputToOriginalXyxy(labels[k], t), classes: s.boxes.cls });
    });
    sec.postprocess += (performance.now() - tq) / 1000;
    done += B;
    o.onProgress?.(done, n);
  }
  const skipped = [...cache.failed.entries()].sort((a, b) => a[0] - b[0]).map(([i, reason]) => ({ file: cache.items[i].imagePath, reason }));
  const validation = validator.result();
  sec.total = (performance.now() - t0) / 1000;
  const div = Math.max(lossBatches, 1);
  return {
    validation,
    predictions: [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!),
    skipped,
    valLoss: o.losses ? [lossSum[0] / div, lossSum[1] / div, lossSum[2] / div] : undefined,
    seconds: sec,
  };
}
