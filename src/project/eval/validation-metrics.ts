/**
 * The validation step ultralytics' DetectionValidator runs after NMS (8.0.200 update_metrics / get_stats):
 * per image, match predictions to labels at the ten IoU thresholds and feed the confusion matrix; at the end,
 * AP per class and the summary. Feed it image by image (the trainer does, batch after batch), or call
 * `validate()` on whole lists.
 *
 * Predictions and labels must be in the same frame (ultralytics uses the original image frame for both).
 * Validation NMS is conf 0.001, IoU 0.7, max_det 300, multi_label on (see VAL_NMS).
 */

import { apPerClass } from './ap';
import { ConfusionMatrix, ConfusionOptions } from './confusion';
import { IOU_THRESHOLDS, matchPredictions } from './match';
import { DetMetrics, summarizeMetrics } from './metrics';
import { Detections, NmsOptions } from './nms';

/** NMS settings of ultralytics' validator. */
export const VAL_NMS: Required<Omit<NmsOptions, 'agnostic'>> & { agnostic: boolean } = {
  conf: 0.001, iou: 0.7, maxDet: 300, maxNms: 30000, multiLabel: true, agnostic: false,
};

export interface ImageLabels {
  boxes: ArrayLike<number>; // [n, 4] xyxy
  classes: ArrayLike<number>; // [n]
}

export interface ValidationResult {
  metrics: DetMetrics;
  confusion: ConfusionMatrix;
  /** The AP computation's raw output (curves for plots); null when no prediction was ever correct. */
  curves: ReturnType<typeof apPerClass> | null;
  /** Seconds spent in matching (per image) and in AP + summary. */
  timing: { match: number; ap: number; total: number };
}

export interface ValidatorOptions {
  confusion?: ConfusionOptions;
  /** Skip the confusion matrix (it costs little; the trainer may still turn it off). */
  noConfusion?: boolean;
}

export class Validator {
  readonly nc: number;
  readonly names: string[];
  readonly confusion: ConfusionMatrix;
  private readonly noConfusion: boolean;
  private seen = 0;
  private readonly correct: Uint8Array[] = [];
  private readonly conf: Float32Array[] = [];
  private readonly predCls: Int32Array[] = [];
  private readonly targetCls: number[] = [];
  private readonly imagesPerClass: number[];
  private matchSeconds = 0;

  constructor(nc: number, names: string[], opts: ValidatorOptions = {}) {
    this.nc = nc;
    this.names = names;
    this.confusion = new ConfusionMatrix(nc, opts.confusion);
    this.noConfusion = opts.noConfusion ?? false;
    this.imagesPerClass = new Array<number>(nc).fill(0);
  }

  /** One image's detections (after NMS) and labels, in the same frame. */
  update(pred: Detections, labels: ImageLabels): void {
    const t0 = performance.now();
    const nl = labels.classes.length, npr = pred.scores.length;
    if (labels.boxes.length !== nl * 4) throw new Error(`Validator: labels have ${nl} classes but ${labels.boxes.length / 4} boxes`);
    if (pred.boxes.length !== npr * 4 || pred.classes.length !== npr) throw new Error('Validator: detections have inconsistent lengths');
    this.seen++;
    const present = new Set<number>();
    for (let i = 0; i < nl; i++) {
      const c = labels.classes[i];
      if (!(Number.isInteger(c) && c >= 0 && c < this.nc)) throw new Error(`Validator: label class ${c} is outside 0..${this.nc - 1}`);
      this.targetCls.push(c);
      present.add(c);
    }
    for (const c of present) this.imagesPerClass[c]++;
    const nIou = IOU_THRESHOLDS.length;
    if (npr === 0) {
      if (nl && !this.noConfusion) this.confusion.processBatch(null, labels.boxes, labels.classes);
    } else {
      const correct = nl ? matchPredictions(pred.boxes, pred.classes, labels.boxes, labels.classes) : new Uint8Array(npr * nIou);
      if (nl && !this.noConfusion) this.confusion.processBatch(pred, labels.boxes, labels.classes);
      this.correct.push(correct);
      this.conf.push(pred.scores);
      this.predCls.push(pred.classes);
    }
    this.matchSeconds += (performance.now() - t0) / 1000;
  }

  result(): ValidationResult {
    const t0 = performance.now();
    const nIou = IOU_THRESHOLDS.length;
    const correct = concat(Uint8Array, this.correct);
    const conf = concat(Float32Array, this.conf);
    const predCls = concat(Int32Array, this.predCls);
    let anyTp = false;
    for (let i = 0; i < correct.length && !anyTp; i++) if (correct[i]) anyTp = true;
    // ultralytics computes metrics only when some prediction is correct; otherwise everything stays 0.
    const curves = anyTp ? apPerClass(correct, conf, predCls, this.targetCls, nIou) : null;
    const instancesPerClass = new Array<number>(this.nc).fill(0);
    for (const c of this.targetCls) instancesPerClass[c]++;
    const metrics = summarizeMetrics(curves, this.nc, this.names, this.seen, instancesPerClass, [...this.imagesPerClass]);
    const ap = (performance.now() - t0) / 1000;
    return { metrics, confusion: this.confusion, curves, timing: { match: this.matchSeconds, ap, total: this.matchSeconds + ap } };
  }
}

/** Whole-list form: `preds[i]` and `labels[i]` belong to image i. */
export function validate(preds: Detections[], labels: ImageLabels[], nc: number, names: string[], opts: ValidatorOptions = {}): ValidationResult {
  if (preds.length !== labels.length) throw new Error(`validate: ${preds.length} prediction lists for ${labels.length} label lists`);
  const v = new Validator(nc, names, opts);
  for (let i = 0; i < preds.length; i++) v.update(preds[i], labels[i]);
  return v.result();
}

function concat<T extends Uint8Array | Float32Array | Int32Array>(ctor: { new (n: number): T }, parts: T[]): T {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new ctor(n);
  let o = 0;
  for (const p of parts) { out.set(p as never, o); o += p.length; }
  return out;
}
