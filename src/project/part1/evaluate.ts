import * as path from 'node:path';
import type { YoloSplit, DataYaml } from '../data/yolo-dataset';
import { cocoEvaluate, CocoEvalResult, readCocoGt } from '../eval/coco';
import type { CocoGt, CocoResult } from '../eval/coco';
import { drawDetections } from '../eval/draw';
import type { Detections } from '../eval/nms';
import { cocoResults } from '../eval/prediction-formats';
import type { ImagePrediction, SkippedImage } from '../eval/predict';
import { validateSplit } from '../eval/validate-split';
import type { ValidationResult } from '../eval/validation-metrics';
import { createProgress } from '../../notebook/display/progress';
import { confusionFigure, PlotlyFigure } from '../eval/plots';
import { tileImages } from './dataset';

export interface SplitEvaluation {
  split: YoloSplit;
  data: DataYaml;
  predictions: ImagePrediction[];
  /** Pictures that could not be read (left out of the metrics). */
  skipped: SkippedImage[];
  validation: ValidationResult;
  /** Detections in COCO results form (category ids from data.yaml's mapping, image ids from the split's COCO file). */
  coco: CocoResult[];
  imagesPerSecond: number;
}

/** COCO image id of each flat file name, from the prepared split's COCO file. */
function imageIds(gt: CocoGt): Map<string, number> {
  return new Map(gt.images.map((im) => [String(im.file_name), im.id]));
}

export function cocoGtFile(dataOut: string, split: YoloSplit, prepareImgsz: number): string {
  return path.join(dataOut, 'coco', `${split}_${prepareImgsz}.json`);
}

/**
 * ultralytics' `model.val(split=...)` on a prepared split: predictions at the validator's NMS settings
 * (conf 0.001, IoU 0.7, multi-label), metrics and confusion matrix in the dataset image frame, and the
 * same detections as COCO results for pycocotools-identical evaluation.
 */
export async function evaluateSplit(weights: string, dataYaml: string, split: YoloSplit, o: { imgsz: number; batch: number; gt: CocoGt }): Promise<SplitEvaluation> {
  const bar = createProgress({ total: 0, label: `predict ${split}`, unit: 'img' });
  let run;
  try {
    run = await validateSplit({ weights, data: dataYaml, split, imgsz: o.imgsz, batch: o.batch, onProgress: (d, total) => { bar.setTotal(total); bar.update(d); } });
  } finally {
    bar.done();
  }
  const { data } = run;
  const pred = { results: run.predictions };
  const ids = imageIds(o.gt);
  const coco: CocoResult[] = [];
  for (const r of pred.results) {
    const id = ids.get(path.basename(r.file));
    if (id === undefined) throw new Error(`${path.basename(r.file)}: not in the ${split} COCO file (prepare the dataset again)`);
    // The id comes from the COCO file, so it is numeric, as pycocotools' results need.
    for (const d of cocoResults(r, id, data.mapping.indexToCategoryId)) coco.push({ ...d, image_id: id });
  }
  return { split, data, predictions: pred.results, skipped: run.skipped, validation: run.validation, coco, imagesPerSecond: run.imagesPerSecond };
}

/** Detections above `conf` (ultralytics' predict default 0.25): what a user sees drawn. */
export function aboveConf(d: Detections, conf = 0.25): Detections {
  const keep: number[] = [];
  for (let i = 0; i < d.scores.length; i++) if (d.scores[i] >= conf) keep.push(i);
  return {
    boxes: Float32Array.from(keep.flatMap((i) => Array.from(d.boxes.subarray(i * 4, i * 4 + 4)))),
    scores: Float32Array.from(keep.map((i) => d.scores[i])),
    classes: Int32Array.from(keep.map((i) => d.classes[i])),
  };
}

/** The first `n` images of the evaluation with their predictions (conf >= `conf`) drawn, as one grid. */
export async function predictionGrid(ev: SplitEvaluation, n = 6, conf = 0.25, cols = 3): Promise<Buffer> {
  const drawn = await Promise.all(ev.predictions.slice(0, n).map((p) => drawDetections(p.file, aboveConf(p, conf), ev.data.names)));
  return tileImages(drawn, cols);
}

/** Rows of ultralytics' validation table: all, then each class with labels. */
export function metricsRows(ev: SplitEvaluation): Record<string, string | number>[] {
  const m = ev.validation.metrics;
  const r3 = (x: number) => Number(x.toFixed(3));
  return [
    { class: 'all', images: m.images, instances: m.instances, P: r3(m.p), R: r3(m.r), mAP50: r3(m.map50), 'mAP50-95': r3(m.map) },
    ...m.perClass.map((c) => ({ class: c.name, images: c.images, instances: c.instances, P: r3(c.p), R: r3(c.r), mAP50: r3(c.map50), 'mAP50-95': r3(c.map) })),
  ];
}

export const COCO_STAT_NAMES = [
  'AP @[IoU=0.50:0.95 | area=all | maxDets=100]',
  'AP @[IoU=0.50 | area=all | maxDets=100]',
  'AP @[IoU=0.75 | area=all | maxDets=100]',
  'AP @[IoU=0.50:0.95 | area=small | maxDets=100]',
  'AP @[IoU=0.50:0.95 | area=medium | maxDets=100]',
  'AP @[IoU=0.50:0.95 | area=large | maxDets=100]',
  'AR @[IoU=0.50:0.95 | area=all | maxDets=1]',
  'AR @[IoU=0.50:0.95 | area=all | maxDets=10]',
  'AR @[IoU=0.50:0.95 | area=all | maxDets=100]',
  'AR @[IoU=0.50:0.95 | area=small | maxDets=100]',
  'AR @[IoU=0.50:0.95 | area=medium | maxDets=100]',
  'AR @[IoU=0.50:0.95 | area=large | maxDets=100]',
];

/** COCOeval of the split's detections against its COCO file (pycocotools' defaults). */
export function cocoEvaluation(ev: SplitEvaluation, gt: CocoGt): CocoEvalResult {
  return cocoEvaluate(gt, ev.coco);
}

export function cocoStatRows(r: CocoEvalResult): { '#': number; metric: string; value: number | string }[] {
  return r.stats.map((v, i) => ({ '#': i, metric: COCO_STAT_NAMES[i], value: v < 0 ? '-1 (no GT)' : Number(v.toFixed(3)) }));
}

/** AP@[.50:.95] per category with its name and GT instances; -1 means the category has no GT in the split. */
export function perClassApRows(r: CocoEvalResult, gt: CocoGt): { id: number; category: string; instances: number; 'AP@[.50:.95]': number | string }[] {
  const names = new Map(gt.categories.map((c) => [c.id, c.name ?? String(c.id)]));
  const count = new Map<number, number>();
  for (const a of gt.annotations) if (!a.iscrowd) count.set(a.category_id, (count.get(a.category_id) ?? 0) + 1);
  return r.catIds.map((id) => ({ id, category: names.get(id) ?? String(id), instances: count.get(id) ?? 0, 'AP@[.50:.95]': r.perCategoryAp[id] < 0 ? '-1 (no GT)' : Number(r.perCategoryAp[id].toFixed(3)) }));
}

export { readCocoGt };

/** ultralytics' confusion_matrix.png pair (counts, normalized per true class), with room for long class names. */
export function confusionFigures(ev: SplitEvaluation): [PlotlyFigure, PlotlyFigure] {
  const roomy = (f: PlotlyFigure): PlotlyFigure => ({
    data: f.data,
    layout: { ...f.layout, height: 520, xaxis: { ...(f.layout.xaxis as object), automargin: true }, yaxis: { ...(f.layout.yaxis as object), automargin: true } },
  });
  const title = (f: PlotlyFigure, s: string): PlotlyFigure => ({ data: f.data, layout: { ...f.layout, title: { text: `${(f.layout.title as { text: string }).text} (${s})` } } });
  return [roomy(title(confusionFigure(ev.validation.confusion, ev.data.names, false), ev.split)), roomy(title(confusionFigure(ev.validation.confusion, ev.data.names, true), ev.split))];
}
