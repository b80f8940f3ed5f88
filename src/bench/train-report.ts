/**
 * What `taco bench train` measures and how it prints it, shared by the one-backend run (train.ts) and the
 * side-by-side run of several backends in child processes (train-side-by-side.ts).
 */

export const LOSS_TEXT = { yolo: 'loss: the YOLOv8 detection loss', surrogate: 'loss: surrogate (mean of squares of the head maps)' } as const;

export const BENCH_OPTIMIZER = "the trainer's SGD: nesterov, momentum 0.937, lr 0.01, weight decay 5e-4 scaled to the batch, parameter groups";

/** The command's options (src/cli/bench/train.ts). */
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

/** Columns padded to their widest cell: the first left-aligned, the numbers right-aligned. */
export function printTable(head: string[], body: string[][]): void {
  const w = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  for (const line of [head, ...body]) console.log(line.map((c, j) => (j < 1 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  '));
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

/** The slowest kernels of the profiled step (tf.profile), when there was one. */
export function printKernels(r: Row, label = ''): void {
  if (!r.kernels) return;
  const all = r.kernels.reduce((a, k) => a + k.ms, 0);
  console.log(`\n${label}${r.model} ${r.imgsz}: slowest kernels in one step (tf.profile)`);
  for (const k of r.kernels) console.log(`  ${k.name.padEnd(28)} ${k.ms.toFixed(0).padStart(8)} ms  ${String(k.calls).padStart(5)} calls  ${((100 * k.ms) / all).toFixed(1).padStart(5)}%`);
}

/** The one-backend table: images/s and ms per phase, and PyTorch beside it when it ran. */
export function printTrainReport(backend: string, opts: Opts, rows: Row[]): void {
  const ms = (s: number) => (s * 1000).toFixed(0);
  console.log(`bench train on ${backend} (batch ${opts.batch}, ${opts.steps} timed steps after ${opts.warmup} warmup, nc ${opts.nc}, ${LOSS_TEXT[opts.loss]})`);
  const withTorch = rows.some((r) => r.torch && 'ratio' in r.torch);
  const head = ['model', 'imgsz', 'images/s', 's/step', 'forward ms', 'loss ms', 'backward ms', 'optimizer ms', ...(withTorch ? ['PyTorch images/s', 'x PyTorch'] : [])];
  const torchCells = (r: Row) => (!withTorch ? [] : r.torch && 'ratio' in r.torch ? [r.torch.imagesPerSec.toFixed(2), r.torch.ratio.toFixed(2)] : ['-', '-']);
  printTable(head, rows.map((r) => [r.model, String(r.imgsz), r.imagesPerSec.toFixed(2), r.secPerStep.toFixed(2), ms(r.phases.forward), ms(r.phases.loss), ms(r.phases.backward), ms(r.phases.optimizer), ...torchCells(r)]));
  for (const r of rows) if (r.error) console.log(`${r.model} ${r.imgsz}: failed: ${r.error}`);
  if (withTorch) console.log(`PyTorch: the same configurations with a surrogate loss (mean of squares of the head maps), 2 threads, channels_last; x PyTorch = ours / PyTorch's images/s`);
  const why = rows.map((r) => (r.torch && 'unavailable' in r.torch ? r.torch.unavailable : undefined)).find((w) => w);
  if (why) console.log(`no PyTorch comparison: ${why}`);
  for (const r of rows) printKernels(r);
  for (const r of rows) printNativeCalls(r);
}
