import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../project/backend/init';
import { trainKernels } from '../project/backend/train-kernels';
import { syntheticBatch } from '../project/data/synthetic-batch';
import { createProgress } from '../notebook/display/progress';
import { createYolo } from '../project/model/yolo';
import { StepSettings, trainStep } from '../project/train/step';
import { disposeStepState, trainerSgdState } from '../project/train/step-state';
import { BENCH_OPTIMIZER, Opts, printTrainReport, Row } from './train-report';

/**
 * `taco bench train` on one backend: per model and image size, warm-up steps then timed ones on one seeded
 * synthetic batch, each the trainer's own `trainStep` with the trainer's SGD, stepping every batch
 * (accumulate 1), with neither EMA nor gradient clipping: forward, loss, backward and the update alone.
 */

type Progress = (n: number, cfg: string) => void;

/** Times one configuration; with --profile also one step under tf.profile (and the addon's own timer on native). */
async function runConfig(cfg: { model: string; imgsz: number }, opts: Opts, backend: string, tick: Progress): Promise<Row> {
  const label = `yolov8${cfg.model} ${cfg.imgsz}`;
  const model = createYolo({ scale: cfg.model as 'n', nc: opts.nc, seed: 0 });
  const state = trainerSgdState(model, opts.batch);
  const batch = syntheticBatch(opts.batch, cfg.imgsz, opts.nc, 0);
  let ni = 0;
  const settings = (): StepSettings => ({ ni: ni++, accumulate: 1, loss: opts.loss, maxNorm: Infinity, timed: true });
  for (let i = 0; i < opts.warmup; i++) {
    trainStep(state, batch, settings());
    tick(1, `${label} warmup`);
  }
  const sum = { forward: 0, loss: 0, backward: 0, optimizer: 0, total: 0 };
  for (let i = 0; i < opts.steps; i++) {
    const times = trainStep(state, batch, settings()).times!;
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += times[k];
    tick(1, label);
  }
  const n = opts.steps;
  const row: Row = {
    model: `yolov8${cfg.model}`,
    imgsz: cfg.imgsz,
    batch: opts.batch,
    steps: n,
    imagesPerSec: (opts.batch * n) / sum.total,
    secPerStep: sum.total / n,
    phases: { forward: sum.forward / n, loss: sum.loss / n, backward: sum.backward / n, optimizer: sum.optimizer / n },
  };
  if (opts.profile) {
    if (backend === 'native') {
      // A plain step with the addon's calls timed: tf.profile cannot see native work inside custom gradients.
      const { timeAddonCalls } = await import('../project/backend/native/addon');
      const timer = timeAddonCalls();
      const t0 = performance.now();
      trainStep(state, batch, settings());
      row.profiledStepMs = performance.now() - t0;
      row.nativeCalls = timer.stop();
    }
    const info = await tf.profile(() => {
      trainStep(state, batch, settings());
    });
    const agg = new Map<string, { ms: number; calls: number }>();
    for (const k of info.kernels) {
      const a = agg.get(k.name) ?? { ms: 0, calls: 0 };
      a.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      a.calls++;
      agg.set(k.name, a);
    }
    row.kernels = [...agg.entries()].map(([name, a]) => ({ name, ...a })).sort((a, b) => b.ms - a.ms).slice(0, 12);
    tick(1, `${label} profile`);
  }
  tf.dispose([batch.images]);
  disposeStepState(state);
  model.dispose();
  // the next configuration's sizes differ: let the collector have this one's arrays
  trainKernels().releaseMemory();
  return row;
}

/** PyTorch side by side (same model, size, batch, warm-up and steps), after our runs so the two never share the cores. */
async function addTorchBaseline(rows: Row[], opts: Opts): Promise<void> {
  const { torchBaseline } = await import('./torch-baseline');
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

/** Every configuration on the chosen backend, then PyTorch's figures, as a table or JSON. */
export async function benchTrain(opts: Opts): Promise<void> {
  const choice = await initBackend({ backend: opts.backend });
  const configs = opts.models.flatMap((m) => opts.imgsz.map((s) => ({ model: m, imgsz: s })));
  const total = configs.length * (opts.steps + opts.warmup + (opts.profile ? 1 : 0));
  const bar = createProgress({ total, label: 'bench train', unit: 'step' });
  const tick: Progress = (n, cfg) => bar.tick(n, cfg);
  const rows: Row[] = [];
  for (const cfg of configs) {
    try {
      rows.push(await runConfig(cfg, opts, choice.name, tick));
    } catch (e) {
      const msg = String(e instanceof Error ? e.message : e).split('\n')[0];
      const hint = choice.name === 'wasm' && /Abort|memory/i.test(msg) ? ' (wasm memory is capped at 4 GiB: lower --batch or --imgsz)' : '';
      const nan = Number.NaN;
      rows.push({ model: `yolov8${cfg.model}`, imgsz: cfg.imgsz, batch: opts.batch, steps: 0, imagesPerSec: nan, secPerStep: nan, phases: { forward: nan, loss: nan, backward: nan, optimizer: nan }, error: msg + hint });
      tick(opts.steps + opts.warmup, 'failed');
    }
  }
  bar.done();
  if (opts.torch) await addTorchBaseline(rows, opts);
  if (opts.json) {
    console.log(JSON.stringify({ backend: choice.name, nc: opts.nc, optimizer: BENCH_OPTIMIZER, loss: opts.loss, rows }, null, 2));
    return;
  }
  printTrainReport(choice.name, opts, rows);
}
