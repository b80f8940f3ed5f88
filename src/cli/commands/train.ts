import { Command, Option } from 'commander';
import { RANGES, numberOption } from '../parse';


export function register(program: Command): void {
  program
    .command('train')
    .description('train YOLOv8 on a YOLO dataset (data.yaml from `taco data prepare`), ultralytics-style; writes runs/train/NAME')
    .option('--data <file>', 'data.yaml of the dataset')
    .option('--model <name>', 'yolov8n, yolov8s, yolov8m, yolov8l or yolov8x', 'yolov8n')
    .option('--epochs <n>', 'epochs', numberOption('epochs', RANGES.epochs), 100)
    .option('--imgsz <px>', 'training image size (multiple of 32)', numberOption('imgsz', RANGES.imgsz), 640)
    .option('--batch <n>', 'batch size (gradients accumulate to a nominal batch of 64)', numberOption('batch', RANGES.batch), 16)
    .option('--weights <file>', 'initial weights: .pt, .safetensors or a name like yolov8n (ultralytics names; mis-shaped tensors, e.g. another nc, are skipped)')
    .option('--backend <name>', 'auto, tensorflow, webgpu, native, wasm or cpu')
    .option('--resume <runDir>', 'continue an interrupted run from its last complete epoch')
    .option('--project <dir>', 'parent folder of runs', 'runs/train')
    .option('--name <name>', 'run name (exp, exp2, ... if taken)', 'exp')
    .option('--exist-ok', 'reuse the run folder if it exists')
    .option('--seed <n>', 'seed of init, order and augmentation', numberOption('seed', RANGES.seed), 0)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['auto', 'SGD', 'Adam', 'AdamW']).default('auto'))
    .option('--lr0 <x>', 'initial learning rate (ignored by optimizer=auto)', numberOption('lr0', { gt: 0, max: 10 }), 0.01)
    .option('--lrf <x>', 'final learning rate as a fraction of lr0', numberOption('lrf', { gt: 0, max: 1 }), 0.01)
    .option('--cos-lr', 'cosine learning-rate decay instead of linear')
    .option('--close-mosaic <n>', 'turn mosaic off for the last N epochs', numberOption('close-mosaic', { integer: true, min: 0, max: 100_000 }), 10)
    .option('--patience <n>', 'early stop after N epochs without improvement', numberOption('patience', { integer: true, min: 1, max: 100_000 }), 50)
    .option('--fraction <x>', 'use this fraction of the training images', numberOption('fraction', { gt: 0, max: 1 }), 1)
    .option('--no-cache', 'do not keep decoded images in RAM')
    .option('--no-val', 'validate only after the last epoch')
    .option('--no-rect', "validate on square imgsz inputs instead of ultralytics' rect batches (sorted by aspect ratio, pad 0.5)")
    .option('--show-batch', 'save train_batch0.jpg (an augmented batch with its boxes) and exit')
    .action(async (o: Record<string, unknown>) => {
      if (!o.resume && !o.data) throw new Error('--data is required (or --resume RUN_DIR)');
      const { createProgress } = await import('../../notebook/display/progress');
      if (o.showBatch) {
        const { saveBatchPreview } = await import('../../project/data/loader/batch-preview');
        const out = await saveBatchPreview({ data: String(o.data), imgsz: o.imgsz as number, batch: o.batch as number, seed: o.seed as number, project: String(o.project), name: String(o.name) });
        console.log(`saved ${out}`);
        return;
      }
      const { train } = await import('../../project/train/trainer');
      const res = await train(
        {
          data: String(o.data ?? ''),
          resume: o.resume as string | undefined,
          model: String(o.model),
          epochs: o.epochs as number,
          imgsz: o.imgsz as number,
          batch: o.batch as number,
          weights: o.weights as string | undefined,
          backend: o.backend as string | undefined,
          project: String(o.project),
          name: String(o.name),
          existOk: Boolean(o.existOk),
          seed: o.seed as number,
          optimizer: o.optimizer as 'auto',
          lr0: o.lr0 as number,
          lrf: o.lrf as number,
          lrShape: o.cosLr ? 'cosine' : 'linear',
          closeMosaic: o.closeMosaic as number,
          patience: o.patience as number,
          fraction: o.fraction as number,
          cache: o.cache !== false,
          val: o.val !== false,
          rect: o.rect !== false,
        },
        { progress: (total, label) => createProgress({ total, label, unit: 'batch' }) },
      );
      console.log(`done: ${res.epochsRun} epochs in ${res.runDir} (best epoch ${res.best.epoch}, fitness ${res.best.fitness.toFixed(4)}); data share ${(res.dataShare * 100).toFixed(1)}%`);
    });
}
