import { Command } from 'commander';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { RANGES, numberOption } from '../parse';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SHARED = path.resolve(ROOT, '..', 'shared');

function fmt(s: number): string {
  return `${s.toFixed(3)} s`;
}

export function register(bench: Command): void {
  bench
    .command('cocoeval')
    .description('COCOeval speed on a COCO-val-scale case (5000 images, 36,677 GT, 500,000 detections) vs pycocotools')
    .option('--case <dir>', 'a case folder with gt.json and dt.json (and optionally stats.json); default: generate the big case')
    .option('--repeat <n>', 'timed runs over the parsed input (the first includes JIT warm-up)', numberOption('repeat', RANGES.count), 3)
    .option('--json', 'machine-readable report')
    .addHelpText(
      'after',
      `
Without --case it runs python3 ../shared/tools/coco_big_case.py --outdir <tmp dir> (about 10 s), checks the
12 stats against ../shared/fixtures/cocoeval-big/stats.json and quotes pycocotools' evaluate + accumulate +
summarize time recorded there (pycocotools is not run). JSON parsing is timed apart and not in the total.`,
    )
    .action(async (opts: { case?: string; repeat: number; json?: boolean }) => {
      const { runCocoEvalBench } = await import('../../bench/cocoeval');
      let caseDir = opts.case ? path.resolve(opts.case) : '';
      let tmpDir = '';
      let reference = caseDir ? path.join(caseDir, 'stats.json') : '';
      const say = (m: string): void => {
        process.stderr.write(`cocoeval bench: ${m}\n`);
      };
      if (!caseDir) {
        const tool = path.join(SHARED, 'tools', 'coco_big_case.py');
        if (!fs.existsSync(tool)) {
          throw new Error(`${tool} is absent (../shared is course material beside the project); pass --case DIR with gt.json and dt.json instead`);
        }
        tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-cocoeval-big-'));
        say(`generating the big case in ${tmpDir} (about 10 s)`);
        const r = spawnSync('python3', [tool, '--outdir', tmpDir], { stdio: ['ignore', 'ignore', 'inherit'] });
        if (r.error || r.status !== 0) {
          fs.rmSync(tmpDir, { recursive: true, force: true });
          throw new Error(`${tool} failed (${r.error ? r.error.message : `exit ${r.status}`}); is python3 on PATH?`);
        }
        caseDir = tmpDir;
        reference = path.join(SHARED, 'fixtures', 'cocoeval-big', 'stats.json');
      }
      try {
        const rep = runCocoEvalBench({ caseDir, referenceFile: reference, repeat: opts.repeat, onProgress: opts.json ? undefined : say });
        if (opts.json) {
          console.log(JSON.stringify(rep, null, 2));
        } else {
          const rows: Array<[string, string]> = [
            ['case', `${rep.images} images, ${rep.gt} GT, ${rep.detections} detections`],
            ['JSON parse (not in total)', fmt(rep.parse_s)],
            ['validate (not in total)', fmt(rep.validate_s)],
            ...rep.runs.map((r, i): [string, string] => [
              `run ${i + 1}${i === 0 ? ' (cold JIT)' : ''}`,
              `prepare ${fmt(r.prepare_s)}, evaluate ${fmt(r.evaluate_s)}, accumulate ${fmt(r.accumulate_s)}, summarize ${fmt(r.summarize_s)} = ${fmt(r.total_s)} (cpu ${fmt(r.cpu_s)})`,
            ]),
            ['median total', `${fmt(rep.median.total_s)} wall, ${fmt(rep.median.cpu_s)} cpu (machine load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`],
            ['peak RSS', `${rep.peak_rss_mib.toFixed(0)} MiB`],
          ];
          if (rep.match !== undefined) rows.push(['stats vs reference', `${rep.match ? 'match' : 'MISMATCH'} (max |diff| ${rep.max_abs_diff})`]);
          else rows.push(['stats vs reference', 'no reference stats.json']);
          if (rep.pycocotools_eval_total_s && rep.speedup_vs_pycocotools) {
            const p = rep.pycocotools_eval_total_s;
            rows.push(['pycocotools (recorded)', `${p.median.toFixed(1)} s median (${p.min.toFixed(1)}-${p.max.toFixed(1)} s)`]);
            rows.push(['speedup', `${rep.speedup_vs_pycocotools.toFixed(1)}x`]);
          }
          const w = Math.max(...rows.map((r) => r[0].length));
          for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
        }
        if (rep.match === false) process.exitCode = 1;
      } finally {
        if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
      }
    });
}
