import { Command } from 'commander';
import { RANGES, numberOption } from '../parse';

interface Opts { json?: boolean; backends: string; reps: string; torch: boolean; torchThreads: string; cpuMaxSeconds: string }

/**
 * The stock cpu backend is orders of magnitude slower (its weight gradient runs at ~0.01 GFLOP/s), so it
 * gets one rep and skips (shape, op) pairs whose estimate at these rates exceeds --cpu-max-seconds.
 */
const CPU_EST_GFLOPS = { forward: 0.5, inputGrad: 0.5, weightGrad: 0.01 } as const;

export function register(bench: Command): void {
  bench
    .command('kernels')
    .description('GFLOP/s of conv forward, input gradient and weight gradient on YOLOv8n layer shapes (320x320, batch 8), per backend, with PyTorch side by side when available')
    .option('--json', 'machine-readable output (includes the PyTorch figures and ratios)')
    .option('--backends <list>', 'comma-separated tfjs backends to time', 'wasm,cpu')
    .option('--reps <n>', 'timed repetitions per op (median; two warm-ups first)', numberOption('reps', RANGES.count), 3)
    .option('--no-torch', 'skip the PyTorch comparison')
    .option('--torch-threads <n>', 'PyTorch intra-op threads', numberOption('torch-threads', RANGES.workers), 2)
    .option('--cpu-max-seconds <s>', 'skip cpu-backend ops estimated to take longer than this', numberOption('cpu-max-seconds', RANGES.seconds), 10)
    .action(async (opts: Opts) => {
      const tf = await import('@tensorflow/tfjs-core');
      const { initBackend } = await import('../../project/backend/init');
      const b = await import('../../bench/wasm-conv');
      const reps = Math.max(1, parseInt(String(opts.reps), 10) || 3);
      const backends = opts.backends.split(',').map((s) => s.trim()).filter(Boolean);
      const shapes = b.YOLOV8N_320_B8;
      const rows: import('../../bench/wasm-conv').BenchRow[] = [];
      for (const s of shapes) {
        for (const op of b.CONV_OPS) {
          rows.push({
            layer: s.layer, shape: `${s.n}x${s.h}x${s.w}x${s.cin} k${s.k} s${s.stride} -> ${s.cout}`, op,
            gflop: b.convFlops(s) / 1e9, tfjs: {}, skipped: {}, ratioToTorch: {},
          });
        }
      }
      const { createProgress } = await import('../../notebook/display/progress');
      const progress = createProgress({ total: rows.length * backends.length, label: 'bench kernels', unit: 'op' });
      const threads: Record<string, number> = {};
      for (const backend of backends) {
        await initBackend({ backend });
        if (backend === 'wasm') {
          const w = await import('@tensorflow/tfjs-backend-wasm');
          threads[backend] = w.getThreadsCount();
        }
        for (const row of rows) {
          progress.tick(1, `${backend} ${row.layer} ${row.op}`);
          const s = shapes.find((x) => x.layer === row.layer)!;
          let r = reps;
          if (backend === 'cpu') {
            const est = row.gflop / CPU_EST_GFLOPS[row.op];
            if (est > Number(opts.cpuMaxSeconds)) {
              row.tfjs[backend] = null;
              row.skipped[backend] = `estimated ${est.toFixed(0)} s > --cpu-max-seconds`;
              continue;
            }
            r = 1;
          }
          row.tfjs[backend] = b.timeTfjsOp(s, row.op, r);
        }
      }
      progress.done();
      let torch: { version: string; threads: number } | { unavailable: string } = { unavailable: 'disabled by --no-torch' };
      if (opts.torch) {
        const t = b.timeTorch(shapes, reps, parseInt(String(opts.torchThreads), 10) || 2);
        if (typeof t === 'string') torch = { unavailable: t };
        else {
          torch = { version: t.version, threads: t.threads };
          for (const row of rows) {
            const sec = t.times[shapes.findIndex((x) => x.layer === row.layer)][row.op];
            row.torch = { seconds: sec, gflops: row.gflop / sec, reps };
            for (const [be, tm] of Object.entries(row.tfjs)) if (tm) row.ratioToTorch[be] = sec / tm.seconds;
          }
        }
      }
      const meta = { imgsz: 320, batch: 8, tfjsVersion: tf.version_core, node: process.version, wasmThreads: threads, torch };
      if (opts.json) {
        console.log(JSON.stringify({ ...meta, rows }, null, 2));
        return;
      }
      console.log(formatTable(rows, backends, 'gflops' in torch || 'version' in torch));
      console.log(`GFLOP/s (median of ${reps}; cpu: 1 rep), imgsz 320, batch 8, wasm threads: ${JSON.stringify(threads)}; ` +
        ('version' in torch ? `PyTorch ${torch.version} with ${torch.threads} threads, channels_last; ratio = PyTorch time / tfjs time` : `PyTorch: ${torch.unavailable}`));
    });
}

function formatTable(rows: import('../../bench/wasm-conv').BenchRow[], backends: string[], withTorch: boolean): string {
  const head = ['layer', 'op', 'GFLOP', ...backends, ...(withTorch ? ['torch', ...backends.map((b) => `${b}/torch`)] : [])];
  const body = rows.map((r) => [
    r.layer, r.op, r.gflop.toFixed(3),
    ...backends.map((b) => (r.tfjs[b] ? r.tfjs[b]!.gflops.toFixed(2) : 'skip')),
    ...(withTorch ? [r.torch ? r.torch.gflops.toFixed(1) : '-', ...backends.map((b) => (r.ratioToTorch[b] !== undefined ? r.ratioToTorch[b].toFixed(3) : '-'))] : []),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
