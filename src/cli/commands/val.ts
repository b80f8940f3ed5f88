import { Command } from 'commander';
import { RANGES, numberOption } from '../parse';

interface ValCliOptions {
  weights: string; data: string; split: string; imgsz: number; batch: number; conf: number; iou: number; maxDet: number;
  rect: boolean; strict?: boolean; saveJson?: boolean; project: string; name: string; existOk?: boolean; backend?: string; json?: boolean;
}

export function register(program: Command): void {
  program
    .command('val')
    .description('validate a YOLOv8 safetensors model on a YOLO dataset split (ultralytics val: P, R, mAP50, mAP50-95, confusion matrix)')
    .requiredOption('--weights <file>', 'model weights: .pt, .safetensors or a name like yolov8n')
    .requiredOption('--data <data.yaml>', 'dataset description written by taco data prepare')
    .option('--split <split>', 'val or test', 'val')
    .option('--imgsz <n>', 'inference size (pixels)', numberOption('imgsz', { integer: true, min: 32, max: 8192 }), 640)
    .option('--batch <n>', 'images per batch', numberOption('batch', RANGES.batch), 16)
    .option('--conf <n>', 'NMS confidence threshold (mAP needs the low default)', numberOption('conf', RANGES.probability), 0.001)
    .option('--iou <n>', 'NMS IoU threshold', numberOption('iou', RANGES.probability), 0.7)
    .option('--max-det <n>', 'maximum detections per image', numberOption('max-det', { integer: true, min: 1, max: 100_000 }), 300)
    .option('--no-rect', "square imgsz x imgsz inputs instead of ultralytics' rect batches (sorted by aspect ratio, pad 0.5)")
    .option('--strict', 'an unreadable image is an error (default: skipped, counted and listed)')
    .option('--save-json', 'also save COCO results (predictions.json, image ids by file stem, category ids from data.yaml)')
    .option('--project <dir>', 'runs folder', 'runs/val')
    .option('--name <name>', 'run name (a number is appended when it exists)', 'val')
    .option('--exist-ok', 'reuse an existing run folder')
    .option('--backend <name>', 'force a backend: tensorflow, wasm, cpu')
    .option('--json', 'print the metrics as JSON')
    .action(async (o: ValCliOptions) => {
      if (o.split !== 'val' && o.split !== 'test' && o.split !== 'train') throw new Error(`--split must be val or test, got '${o.split}'`);
      const { createProgress } = await import('../../notebook/display/progress');
      const { imgsz, batch, conf, iou, maxDet } = o;
      const { initBackend } = await import('../../project/backend/init');
      await initBackend({ backend: o.backend });
      const { runDir } = await import('../../project/eval/predict');
      const { validateSplit } = await import('../../project/eval/validate-split');
      const { cocoResults, imageIdFromPath, writeAtomic } = await import('../../project/eval/prediction-formats');
      const { formatMetricsTable } = await import('../../project/eval/metrics');
      const { confusionFigure, prCurveFigure, metricCurveFigure } = await import('../../project/eval/plots');
      const path = await import('node:path');
      const dir = runDir(o.project, o.name, o.existOk);
      let progress: ReturnType<typeof createProgress> | undefined;
      let run;
      try {
        run = await validateSplit({
          weights: o.weights, data: o.data, split: o.split as 'val', imgsz, batch, rect: o.rect, strict: o.strict, conf, iou, maxDet,
          onProgress: (done, total) => (progress ??= createProgress({ total, label: `val ${o.split}`, unit: 'img' })).update(done),
        });
      } finally {
        progress?.done();
      }
      const data = run.data;
      for (const s of run.skipped) console.error(`WARNING: skipped ${s.file}: ${s.reason}`);
      if (o.saveJson) {
        const coco = run.predictions.flatMap((r) => cocoResults(r, imageIdFromPath(r.file), data.mapping.indexToCategoryId));
        writeAtomic(path.join(dir, 'predictions.json'), JSON.stringify(coco));
      }
      const res = run.validation;
      const m = res.metrics;
      const summary = {
        split: o.split, data: o.data, weights: o.weights, imgsz, conf, iou, maxDet, rect: o.rect,
        skipped: run.skipped,
        metrics: { images: m.images, instances: m.instances, p: m.p, r: m.r, map50: m.map50, map75: m.map75, map: m.map, fitness: m.fitness, per_class: m.perClass },
        confusion_matrix: { layout: 'rows = predicted, columns = true; last = background', names: [...data.names, 'background'], counts: res.confusion.toRows() },
        speed: { images_per_second: run.imagesPerSecond, seconds: run.seconds, metrics_seconds: res.timing.total },
      };
      writeAtomic(path.join(dir, 'metrics.json'), JSON.stringify(summary, null, 2));
      const figures: Record<string, unknown> = {
        confusion_matrix: confusionFigure(res.confusion, data.names, false),
        confusion_matrix_normalized: confusionFigure(res.confusion, data.names, true),
      };
      if (res.curves) {
        figures.PR_curve = prCurveFigure(res.curves, data.names);
        figures.F1_curve = metricCurveFigure(res.curves, data.names, 'f1');
        figures.P_curve = metricCurveFigure(res.curves, data.names, 'p');
        figures.R_curve = metricCurveFigure(res.curves, data.names, 'r');
      }
      writeAtomic(path.join(dir, 'figures.json'), JSON.stringify(figures));
      if (o.json) console.log(JSON.stringify(summary));
      else {
        console.log(formatMetricsTable(m));
        const s = run.seconds;
        console.log(`Speed: ${(1000 * s.preprocess / m.images).toFixed(1)}ms preprocess, ${(1000 * s.inference / m.images).toFixed(1)}ms inference, ` +
          `${(1000 * (s.postprocess + res.timing.total) / m.images).toFixed(1)}ms postprocess per image at shape (${batch}, 3, ${imgsz}, ${imgsz})`);
        console.log(`Results saved to ${dir}`);
      }
    });
}
