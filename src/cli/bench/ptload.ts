import { Command } from 'commander';
import * as path from 'node:path';
import { RANGES, numberOption, numberVariadicOption } from '../parse';

const SHARED_WEIGHTS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'real', 'weights');

/** `taco bench ptload`: .pt checkpoint load time (ms, MB/s), real files and synthetic ones of growing size. */
export function register(bench: Command): void {
  bench
    .command('ptload')
    .description('.pt checkpoint loading: ms and MB/s for the ultralytics files in ../shared/real/weights and synthetic float16 checkpoints (linearity)')
    .option('--file <file.pt...>', 'checkpoints to time (default: ../shared/real/weights/*.pt when present)')
    .option('--synthetic <mb...>', 'sizes of generated checkpoints in MB (0 for none)', numberVariadicOption('synthetic', { min: 0, max: 100_000 }), ['8', '32', '130'])
    .option('--repeat <n>', 'timed loads per file (the median is reported)', numberOption('repeat', RANGES.count), 5)
    .option('--json', 'JSON output')
    .action(async (o: { file?: string[]; synthetic: string[]; repeat: string; json?: boolean }) => {
      const fs = await import('node:fs');
      const { benchPtLoad } = await import('../../bench/ptload');
      const repeat = Number(o.repeat);
      if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a positive integer, got '${o.repeat}'`);
      const sizes = o.synthetic.map((v) => Number(v)).filter((v) => v !== 0);
      if (sizes.some((v) => !Number.isFinite(v) || v < 0)) throw new Error(`--synthetic takes sizes in MB, got '${o.synthetic.join(' ')}'`);
      let files = o.file ?? [];
      if (!o.file) {
        if (fs.existsSync(SHARED_WEIGHTS)) files = fs.readdirSync(SHARED_WEIGHTS).filter((f) => f.endsWith('.pt')).sort().map((f) => path.join(SHARED_WEIGHTS, f));
        else process.stderr.write(`ptload bench: ${SHARED_WEIGHTS} is absent (course material beside the project): timing synthetic checkpoints only\n`);
      }
      const say = (m: string): void => { if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${m}`); };
      const r = benchPtLoad({ files, syntheticMb: sizes, repeat, onProgress: o.json ? undefined : say });
      if (process.stderr.isTTY && !o.json) process.stderr.write('\r\x1b[K');
      if (o.json) {
        console.log(JSON.stringify(r, null, 2));
        return;
      }
      const rows = r.rows.map((x) => ({
        file: x.synthetic ? x.file : path.basename(x.file), MB: +(x.bytes / 1e6).toFixed(1), tensors: x.tensors,
        'read ms': +x.read_ms.toFixed(1), 'parse ms': +x.parse_ms.toFixed(1), 'total ms': +x.total_ms.toFixed(1), 'min ms': +x.min_total_ms.toFixed(1), 'cpu ms': +x.cpu_ms.toFixed(1), 'MB/s': Math.round(x.mb_per_s),
      }));
      console.table(rows);
      if (r.ms_per_mb_synthetic.length > 1) {
        const f = (v: number[]): string => v.map((x) => x.toFixed(2)).join(', ');
        console.log(`synthetic checkpoints, ms per MB from small to large: wall ${f(r.ms_per_mb_synthetic)}; cpu ${f(r.cpu_ms_per_mb_synthetic)} (equal = linear)`);
      }
      console.log(`median of ${repeat} loads after a warm-up; node ${r.node}, ${r.cpus} cores, load ${r.loadavg.toFixed(1)}`);
    });
}
