import { Command } from 'commander';
import { RANGES, numberOption } from '../parse';

interface PredictCliOptions {
  weights: string; source: string; conf: number; iou: number; imgsz: number; batch: number; maxDet: number;
  resize: string; data?: string; save?: boolean; saveTxt?: boolean; saveConf?: boolean; saveJson?: boolean;
  agnosticNms?: boolean; strict?: boolean; project: string; name: string; existOk?: boolean; backend?: string; json?: boolean;
}

export function register(program: Command): void {
  program
    .command('predict')
    .description('detect objects in images with a YOLOv8 safetensors model (ultralytics predict)')
    .requiredOption('--weights <file>', 'model weights: .pt, .safetensors or a name like yolov8n')
    .requiredOption('--source <path>', 'an image or a folder of images')
    .option('--conf <n>', 'confidence threshold', numberOption('conf', RANGES.probability), 0.25)
    .option('--iou <n>', 'NMS IoU threshold', numberOption('iou', RANGES.probability), 0.7)
    .option('--imgsz <n>', 'inference size (pixels)', numberOption('imgsz', { integer: true, min: 32, max: 8192 }), 640)
    .option('--batch <n>', 'images per batch (1, as ultralytics predicts a folder: each picture padded only to a multiple of 32)', numberOption('batch', RANGES.batch), 1)
    .option('--max-det <n>', 'maximum detections per image', numberOption('max-det', { integer: true, min: 1, max: 100_000 }), 300)
    .option('--resize <mode>', "'letterbox' (ultralytics: aspect kept, grey padding) or 'stretch' (how taco data prepare builds its dataset)", 'letterbox')
    .option('--strict', 'an unreadable image is an error (default: skipped, counted and listed)')
    .option('--data <data.yaml>', 'class names and COCO category ids (needed for --save-json)')
    .option('--save', 'save images with boxes drawn')
    .option('--save-txt', 'save YOLO txt labels (labels/<image>.txt)')
    .option('--save-conf', 'add the confidence to the txt lines')
    .option('--save-json', 'save COCO results (predictions.json)')
    .option('--agnostic-nms', 'class-agnostic NMS')
    .option('--project <dir>', 'runs folder', 'runs/predict')
    .option('--name <name>', 'run name (a number is appended when it exists)', 'predict')
    .option('--exist-ok', 'reuse an existing run folder')
    .option('--backend <name>', 'force a backend: tensorflow, wasm, cpu')
    .option('--json', 'print the per-image results as JSON')
    .action(async (o: PredictCliOptions) => {
      const { initBackend } = await import('../../project/backend/init');
      const { loadYolo } = await import('../../project/model/load');
      const { listImages, predictFolder, runDir } = await import('../../project/eval/predict');
      const { createProgress } = await import('../../notebook/display/progress');
      const { imgsz, conf, iou, batch, maxDet } = o;
      if (o.resize !== 'stretch' && o.resize !== 'letterbox') throw new Error(`--resize must be stretch or letterbox, got '${o.resize}'`);
      const files = listImages(o.source);
      await initBackend({ backend: o.backend });
      const { model, nc, names: fileNames } = await loadYolo(o.weights);
      // Class names recorded in the checkpoint (ultralytics .pt, converted files), else indices.
      let names = fileNames?.length === nc ? fileNames.slice() : Array.from({ length: nc }, (_, i) => String(i));
      let indexToCategoryId: readonly number[] | undefined;
      if (o.data) {
        const { readDataYaml } = await import('../../project/data/yolo-dataset');
        const d = readDataYaml(o.data);
        if (d.nc !== nc) throw new Error(`${o.data}: nc ${d.nc} but the model has nc ${nc}`);
        names = d.names;
        indexToCategoryId = d.mapping.indexToCategoryId;
      }
      const dir = runDir(o.project, o.name, o.existOk);
      const progress = createProgress({ total: files.length, label: 'predict', unit: 'img' });
      try {
        const { results, skipped, timing } = await predictFolder(files, dir, {
          predictFn: (x) => model.predict(x), nc, imgsz, resize: o.resize, batch, conf, iou, maxDet, agnostic: o.agnosticNms, strict: o.strict,
          onProgress: (done) => progress.update(done), save: o.save, saveTxt: o.saveTxt, saveConf: o.saveConf, saveJson: o.saveJson, names, indexToCategoryId,
        });
        progress.done();
        for (const s of skipped) console.error(`WARNING: skipped ${s.file}: ${s.reason}`);
        if (o.json) {
          const images = results.map((r) => ({
            file: r.file, width: r.width, height: r.height, input_shape_hw: [r.transform.inputHeight, r.transform.inputWidth],
            boxes_xyxy: Array.from(r.boxes), scores: Array.from(r.scores), classes: Array.from(r.classes),
          }));
          console.log(JSON.stringify({ images, skipped }));
        } else {
          for (const r of results) {
            const counts = new Map<string, number>();
            for (const c of r.classes) counts.set(names[c], (counts.get(names[c]) ?? 0) + 1);
            console.log(`${r.file}: ${r.width}x${r.height} ${[...counts].map(([n, k]) => `${k} ${n}`).join(', ') || '(no detections)'}`);
          }
          const s = timing.seconds;
          console.log(`${timing.images} images in ${s.total.toFixed(2)} s (${timing.imagesPerSecond.toFixed(2)} images/s at imgsz ${imgsz}, batch ${batch}): ` +
            `preprocess ${s.preprocess.toFixed(2)} s, inference ${s.inference.toFixed(2)} s, postprocess ${s.postprocess.toFixed(2)} s`);
          console.log(`results saved to ${dir}`);
        }
      } finally {
        progress.done();
        model.dispose();
      }
    });
}
