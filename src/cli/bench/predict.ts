import { Command, InvalidArgumentError } from 'commander';
import { RANGES, numberOption } from '../parse';

interface Opts { model: string; imgsz: number; batch: number; steps: number; warmup: number; nc: number; backend?: string; torch: boolean; json?: boolean }

/** `taco bench predict`: eval-mode forward (raw head maps, no NMS) in ms per image, with PyTorch side by side. */
export function register(bench: Command): void {
  bench
    .command('predict')
    .description('time YOLOv8 inference (eval-mode forward) in ms per image, with PyTorch side by side when python3-torch is installed')
    .option('--model <scale>', 'YOLOv8 scale (n, s, m, l, x)', 'n')
    .option('--imgsz <n>', 'image size (multiple of 32)', numberOption('imgsz', RANGES.imgsz), 640)
    .option('--batch <n>', 'images per forward', numberOption('batch', RANGES.batch), 1)
    .option('--steps <n>', 'timed forwards', numberOption('steps', RANGES.count), 5)
    .option('--warmup <n>', 'untimed forwards first', numberOption('warmup', { integer: true, min: 0, max: 1_000_000 }), 1)
    .option('--nc <n>', 'number of classes', numberOption('nc', RANGES.nc), 7)
    .option('--backend <name>', 'auto, tensorflow, webgpu, native, wasm, cpu (default: the best available)')
    .option('--no-torch', 'skip the PyTorch baseline')
    .option('--json', 'machine-readable output')
    .action(async (opts: Opts) => {
      const scale = opts.model.replace(/^yolov8/i, '').toLowerCase();
      if (!['n', 's', 'm', 'l', 'x'].includes(scale)) throw new InvalidArgumentError(`"${opts.model}" is not a YOLOv8 scale`);
      const tf = await import('@tensorflow/tfjs-core');
      const { initBackend } = await import('../../project/backend/init');
      const { createYolo } = await import('../../project/model/yolo');
      const choice = await initBackend({ backend: opts.backend });
      const model = createYolo({ scale: scale as 'n', nc: opts.nc, seed: 0 });
      const x = tf.randomUniform([opts.batch, opts.imgsz, opts.imgsz, 3]) as import('@tensorflow/tfjs-core').Tensor4D;
      const times: number[] = [];
      for (let i = 0; i < opts.warmup + opts.steps; i++) {
        const t0 = performance.now();
        const outs = model.forward(x, false);
        for (const o of outs) o.dataSync();
        times.push(performance.now() - t0);
        tf.dispose(outs);
        // an in-place counter on a terminal; a log (pipe, file) gets no carriage-return noise
        if (process.stderr.isTTY) process.stderr.write(`\rbench predict ${i + 1}/${opts.warmup + opts.steps}`);
      }
      if (process.stderr.isTTY) process.stderr.write('\n');
      x.dispose();
      model.dispose();
      const timed = times.slice(opts.warmup);
      const msPerImage = timed.reduce((a, b) => a + b, 0) / timed.length / opts.batch;
      const rows: { engine: string; msPerImage: number; ratioToTorch?: number }[] = [{ engine: `taco (${choice.name})`, msPerImage }];
      let torchNote: string | undefined;
      if (opts.torch) {
        const { torchBaseline } = await import('../../bench/torch-baseline');
        const r = torchBaseline({ mode: 'predict', scale, imgsz: opts.imgsz, batch: opts.batch, steps: opts.steps, warmup: opts.warmup, nc: opts.nc });
        if (typeof r === 'string') torchNote = r;
        else {
          const torchMs = (r.secPerStep * 1000) / opts.batch;
          rows[0].ratioToTorch = torchMs / msPerImage;
          rows.push({ engine: `PyTorch ${r.torch} (${r.threads} threads, channels_last)`, msPerImage: torchMs, ratioToTorch: 1 });
        }
      }
      const result = { model: `yolov8${scale}`, imgsz: opts.imgsz, batch: opts.batch, steps: opts.steps, rows, torchNote };
      if (opts.json) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      console.log(`yolov8${scale} ${opts.imgsz} batch ${opts.batch}, ${opts.steps} timed forwards (speed ratio: PyTorch ms / ours)`);
      console.table(rows.map((r) => ({ engine: r.engine, 'ms/image': r.msPerImage.toFixed(1), 'x PyTorch speed': r.ratioToTorch?.toFixed(2) ?? '' })));
      if (torchNote) console.log(`PyTorch: ${torchNote}`);
    });
}
