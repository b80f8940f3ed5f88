import { Command, InvalidArgumentError } from 'commander';
import type { Opts } from '../../bench/train-report';
import { RANGES, numberListOption, numberOption } from '../parse';

const list = (parse: (s: string) => string | number) => (v: string) => v.split(',').map((s) => parse(s.trim()));

function scale(s: string): string {
  const v = s.replace(/^yolov8/i, '').toLowerCase();
  if (!['n', 's', 'm', 'l', 'x'].includes(v)) throw new InvalidArgumentError(`"${s}" is not a YOLOv8 scale (n, s, m, l, x)`);
  return v;
}

/** `taco bench train`: forward + loss + backward + SGD step, timed per phase (src/bench/train.ts). */
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
      const { benchTrain } = await import('../../bench/train');
      await benchTrain(opts);
    });
}
