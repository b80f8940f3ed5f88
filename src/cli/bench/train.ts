import { Command, InvalidArgumentError } from 'commander';
import { RANGES, numberListOption, numberOption } from '../parse';

export const LOSS_TEXT = { yolo: 'loss: the YOLOv8 detection loss', surrogate: 'loss: surrogate (mean of squares of the head maps)' } as const;

const BENCH_OPTIMIZER = "the trainer's SGD: nesterov, momentum 0.937, lr 0.01, weight decay 5e-4 scaled to the batch, parameter groups";

const list = (parse: (s: string) => string | number) => (v: string) => v.split(',').map((s) => parse(s.trim()));

function scale(s: string): string {
  const v = s.replace(/^yolov8/i, '').toLowerCase();
  if (!['n', 's', 'm', 'l', 'x'].includes(v)) throw new InvalidArgumentError(`"${s}" is not a YOLOv8 scale (n, s, m, l, x)`);
  return v;
}


export interface Opts {
  models: string[];
  imgsz: number[];
  batch: number;
  steps: number;
  warmup: number;
  nc: number;
  backend?: string;
  backends?: string[];
  rounds: number;
  torch: boolean;
  profile?: boolean;
  json?: boolean;
  loss: 'yolo' | 'surrogate';
}

export interface Row {
  model: string;
  imgsz: number;
  batch: number;
  steps: number;
  imagesPerSec: number;
  secPerStep: number;
  /** Mean seconds per step in each phase. */
  phases: { forward: number; loss: number; backward: number; optimizer: number };
  /** With --profile: the kernels that took the most time in one step, ms. */
  kernels?: { name: string; ms: number; calls: number }[];
  /** With --profile on the native engine: time inside each addon function during one step, ms. */
  nativeCalls?: { name: string; ms: number; calls: number }[];
  /** With --profile: wall time of the profiled step, ms. */
  profiledStepMs?: number;
  /** Set when the configuration failed (e.g. wasm's 4 GiB memory ceiling); the timings are then NaN. */
  error?: string;
  /** PyTorch on the same configuration, timed right after (unless --no-torch), or why there is none. */
  torch?: { imagesPerSec: number; ratio: number } | { unavailable: string };
}

/** The native engine's time per addon function in one step, and the rest of the step (JavaScript). */
export function printNativeCalls(r: Row, label = ''): void {
  if (!r.nativeCalls || r.profiledStepMs === undefined) return;
  const step = r.profiledStepMs;
  const inNative = r.nativeCalls.reduce((a, k) => a + k.ms, 0);
  console.log(`\n${label}${r.model} ${r.imgsz}: one step ${step.toFixed(0)} ms, by addon function`);
  for (const k of r.nativeCalls.slice(0, 14)) console.log(`  ${k.name.padEnd(28)} ${k.ms.toFixed(0).padStart(8)} ms  ${String(k.calls).padStart(5)} calls  ${((100 * k.ms) / step).toFixed(1).padStart(5)}%`);
  console.log(`  ${'(outside the addon)'.padEnd(28)} ${(step - inNative).toFixed(0).padStart(8)} ms  ${''.padStart(5)}        ${((100 * (step - inNative)) / step).toFixed(1).padStart(5)}%`);
}

/** `taco bench train`: forward + loss + backward + SGD step, timed per phase. */
export function register(bench: Command): void {
  bench
    .command('train')
    .description('time YOLOv8 training steps (forward + loss + backward + optimizer) and print images/s per phase')
    .option('--models <list>', 'comma-separated scales', list(scale), ['n', 's'])
    .option('--imgsz <list>', 'comma-separated image sizes', numberListOption('imgsz', RANGES.imgsz), [320, 640])
    .option('--batch <n>', 'images per step', numberOption('batch', RANGES.batch), 8)
    .option('--steps <n>', 'timed steps per configuration', numberOption('steps', RANGES.count), 10)
    // Steady state is what a training run sees: the first ~8 steps of a process also pay for the JavaScript
    // JIT (its compiler threads compete with the native ones) and for filling the memory pool.
    .option('--warmup <n>', 'untimed steps first (kernel compilation, allocation, JavaScript JIT warm-up)', numberOption('warmup', { integer: true, min: 0, max: 1_000_000 }), 8)
    .option('--nc <n>', 'number of classes', numberOption('nc', RANGES.nc), 7)
    .option('--backend <name>', 'auto, tensorflow, webgpu, native, wasm, cpu (default: the best available)')
    .option('--backends <list>', 'side by side: run each backend (e.g. native,wasm) in its own process, in one table with ratios', list(String))
    .option('--rounds <n>', 'with --backends: run the backends this many times, alternating, and keep each one\'s best', numberOption('rounds', { integer: true, min: 1, max: 1000 }), 1)
    .option('--no-torch', 'skip the PyTorch baseline (python3-torch: same configurations, timed after ours)')
    .option('--loss <kind>', "yolo (the detection loss, as training uses) or surrogate (mean of squares of the head maps: PyTorch's side of the comparison)", (v: string) => {
      if (v !== 'yolo' && v !== 'surrogate') throw new InvalidArgumentError(`"${v}" is not yolo or surrogate`);
      return v;
    }, 'yolo')
    .option('--profile', 'also profile one step per configuration with tf.profile and list the slowest kernels')
    .option('--json', 'machine-readable output')
    .action(async (opts: Opts) => {
      if (opts.backends) {
        const { sideBySide } = await import('../../bench/train-side-by-side');
        await sideBySide(opts);
        return;
      }
      const tf = await import('@tensorflow/tfjs-core');
      const { initBackend } = await import('../../project/backend/init');
      const { createYolo } = await import('../../project/model/yolo');
      const { trainStep, syntheticBatch } = await import('../../project/train/step');
      const { trainerSgd } = await import('../../project/train/bench-optimizer');
      const choice = await initBackend({ backend: opts.backend });
      const configs = opts.models.flatMap((m) => opts.imgsz.map((s) => ({ model: m, imgsz: s })));
      const total = configs.length * (opts.steps + opts.warmup + (opts.profile ? 1 : 0));
      const { SingleBar, Presets } = await import('cli-progress');
      const bar = process.stderr.isTTY ? new SingleBar({ format: 'bench train {bar} {value}/{total} steps | {cfg}', stream: process.stderr }, Presets.shades_classic) : undefined;
      bar?.start(total, 0, { cfg: '' });
      const rows: Row[] = [];
      for (const cfg of configs) {
        try {
          rows.push(await runConfig(cfg));
        } catch (e) {
          const msg = String(e instanceof Error ? e.message : e).split('\n')[0];
          const hint = choice.name === 'wasm' && /Abort|memory/i.test(msg) ? ' (wasm memory is capped at 4 GiB: lower --batch or --imgsz)' : '';
          const nan = Number.NaN;
          rows.push({ model: `yolov8${cfg.model}`, imgsz: cfg.imgsz, batch: opts.batch, steps: 0, imagesPerSec: nan, secPerStep: nan, phases: { forward: nan, loss: nan, backward: nan, optimizer: nan }, error: msg + hint });
          bar?.increment(opts.steps + opts.warmup, { cfg: 'failed' });
        }
      }
      async function runConfig(cfg: { model: string; imgsz: number }): Promise<Row> {
        const label = `yolov8${cfg.model} ${cfg.imgsz}`;
        const model = createYolo({ scale: cfg.model as 'n', nc: opts.nc, seed: 0 });
        const { optimizer, dispose: disposeOptimizer } = trainerSgd(model, opts.batch);
        const { images, targets } = syntheticBatch(opts.batch, cfg.imgsz, opts.nc, 0);
        for (let i = 0; i < opts.warmup; i++) {
          trainStep(model, optimizer, images, targets, opts.loss);
          bar?.increment(1, { cfg: `${label} warmup` });
        }
        const sum = { forward: 0, loss: 0, backward: 0, optimizer: 0, total: 0 };
        for (let i = 0; i < opts.steps; i++) {
          const r = trainStep(model, optimizer, images, targets, opts.loss);
          for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += r.times[k];
          bar?.increment(1, { cfg: label });
        }
        const row: Row = {
          model: `yolov8${cfg.model}`,
          imgsz: cfg.imgsz,
          batch: opts.batch,
          steps: opts.steps,
          imagesPerSec: (opts.batch * opts.steps) / sum.total,
          secPerStep: sum.total / opts.steps,
          phases: {
            forward: sum.forward / opts.steps,
            loss: sum.loss / opts.steps,
            backward: sum.backward / opts.steps,
            optimizer: sum.optimizer / opts.steps,
          },
        };
        if (opts.profile) {
          if (choice.name === 'native') {
            // A plain step with the addon's calls timed: tf.profile cannot see native work inside custom gradients.
            const { timeAddonCalls } = await import('../../project/backend/native/addon');
            const timer = timeAddonCalls();
            const t0 = performance.now();
            trainStep(model, optimizer, images, targets, opts.loss);
            row.profiledStepMs = performance.now() - t0;
            row.nativeCalls = timer.stop();
          }
          const info = await tf.profile(() => {
            trainStep(model, optimizer, images, targets, opts.loss);
          });
          const agg = new Map<string, { ms: number; calls: number }>();
          for (const k of info.kernels) {
            const a = agg.get(k.name) ?? { ms: 0, calls: 0 };
            a.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
            a.calls++;
            agg.set(k.name, a);
          }
          row.kernels = [...agg.entries()].map(([name, a]) => ({ name, ...a })).sort((a, b) => b.ms - a.ms).slice(0, 12);
          bar?.increment(1, { cfg: `${label} profile` });
        }
        tf.dispose([images]);
        disposeOptimizer();
        model.dispose();
        // the next configuration's sizes differ: let the collector have this one's arrays
        (await import('../../project/backend/native/memory')).releasePool();
        return row;
      }
      bar?.stop();
      if (opts.torch) await addTorchBaseline(rows, opts);
      const out = { backend: choice.name, nc: opts.nc, optimizer: BENCH_OPTIMIZER, loss: opts.loss, rows };
      if (opts.json) {
        console.log(JSON.stringify(out, null, 2));
        return;
      }
      const ms = (s: number) => (s * 1000).toFixed(0);
      console.log(`bench train on ${choice.name} (batch ${opts.batch}, ${opts.steps} timed steps after ${opts.warmup} warmup, nc ${opts.nc}, ${LOSS_TEXT[opts.loss]})`);
      const withTorch = rows.some((r) => r.torch && 'ratio' in r.torch);
      const head = ['model', 'imgsz', 'images/s', 's/step', 'forward ms', 'loss ms', 'backward ms', 'optimizer ms', ...(withTorch ? ['PyTorch images/s', 'x PyTorch'] : [])];
      const torchCells = (r: Row) => (!withTorch ? [] : r.torch && 'ratio' in r.torch ? [r.torch.imagesPerSec.toFixed(2), r.torch.ratio.toFixed(2)] : ['-', '-']);
      const body = rows.map((r) => [r.model, String(r.imgsz), r.imagesPerSec.toFixed(2), r.secPerStep.toFixed(2), ms(r.phases.forward), ms(r.phases.loss), ms(r.phases.backward), ms(r.phases.optimizer), ...torchCells(r)]);
      const w = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
      for (const line of [head, ...body]) console.log(line.map((c, j) => (j < 1 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  '));
      for (const r of rows) if (r.error) console.log(`${r.model} ${r.imgsz}: failed: ${r.error}`);
      if (withTorch) console.log(`PyTorch: the same configurations with a surrogate loss (mean of squares of the head maps), 2 threads, channels_last; x PyTorch = ours / PyTorch's images/s`);
      const why = rows.map((r) => (r.torch && 'unavailable' in r.torch ? r.torch.unavailable : undefined)).find((w) => w);
      if (why) console.log(`no PyTorch comparison: ${why}`);
      for (const r of rows) {
        if (!r.kernels) continue;
        const all = r.kernels.reduce((a, k) => a + k.ms, 0);
        console.log(`\n${r.model} ${r.imgsz}: slowest kernels in one step (tf.profile)`);
        for (const k of r.kernels) console.log(`  ${k.name.padEnd(28)} ${k.ms.toFixed(0).padStart(8)} ms  ${String(k.calls).padStart(5)} calls  ${((100 * k.ms) / all).toFixed(1).padStart(5)}%`);
      }
      for (const r of rows) printNativeCalls(r);
    });
}

/** PyTorch side by side (same model, size, batch, warm-up and steps), after our runs so the two never share the cores. */
async function addTorchBaseline(rows: Row[], opts: Opts): Promise<void> {
  const { torchBaseline } = await import('../../bench/torch-baseline');
  for (const r of rows) {
    if (r.error) continue;
    process.stderr.write(`bench train: PyTorch ${r.model} ${r.imgsz}...\n`);
    const t = torchBaseline({ mode: 'train', scale: r.model.replace('yolov8', ''), imgsz: r.imgsz, batch: opts.batch, steps: opts.steps, warmup: opts.warmup, nc: opts.nc });
    if (typeof t === 'string') {
      r.torch = { unavailable: t };
      if (!/not installed|not found/.test(t)) continue;
      // the same reason for every configuration (no python3 or no torch): ask once
      for (const o of rows) o.torch = { unavailable: t };
      return;
    }
    const ips = opts.batch / t.secPerStep;
    r.torch = { imagesPerSec: ips, ratio: r.imagesPerSec / ips };
  }
}
