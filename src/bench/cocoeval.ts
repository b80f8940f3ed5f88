/**
 * The COCO-val-scale benchmark: times each stage of our COCOeval on a case folder (gt.json + dt.json), checks the
 * 12 stats against a reference, and compares with pycocotools' recorded time for evaluate + accumulate +
 * summarize (the reference is read from stats.json; pycocotools is not run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { accumulateEval } from '../project/eval/coco/accumulate';
import { evaluatePrepared } from '../project/eval/coco/evaluate';
import { prepareCocoEval } from '../project/eval/coco/prepare';
import { readJsonFile } from '../project/eval/coco/read';
import { summarizeEval } from '../project/eval/coco/summarize';
import { CocoInputError } from '../project/eval/coco/types';
import { validateGt, validateResults } from '../project/eval/coco/validate';

export interface BenchRun {
  prepare_s: number;
  evaluate_s: number;
  accumulate_s: number;
  summarize_s: number;
  /** prepare + evaluate + accumulate + summarize: what pycocotools' eval_total covers (its _prepare is in evaluate). */
  total_s: number;
  /** CPU seconds (user + system) of this process over the same span: less sensitive to a shared, loaded machine. */
  cpu_s: number;
}

export interface CocoBenchReport {
  case_dir: string;
  images: number;
  gt: number;
  detections: number;
  parse_s: number; // JSON.parse of both files
  validate_s: number;
  runs: BenchRun[];
  median: BenchRun;
  peak_rss_mib: number;
  stats: number[];
  reference_stats?: number[];
  max_abs_diff?: number;
  match?: boolean; // all 12 within 1e-12
  pycocotools_eval_total_s?: { median: number; min: number; max: number };
  speedup_vs_pycocotools?: number; // pycocotools median / our median total
}

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export interface BenchOptions {
  caseDir: string;
  /** stats.json with "stats" (12 numbers) and optionally "timing_s.eval_total" (pycocotools' times). */
  referenceFile?: string;
  repeat?: number;
  onProgress?: (msg: string) => void;
}

export function runCocoEvalBench(opts: BenchOptions): CocoBenchReport {
  const log = opts.onProgress ?? (() => undefined);
  const gtFile = path.join(opts.caseDir, 'gt.json');
  const dtFile = path.join(opts.caseDir, 'dt.json');
  for (const f of [gtFile, dtFile]) if (!fs.existsSync(f)) throw new CocoInputError(`${f}: missing (a case folder holds gt.json and dt.json)`);
  log('parsing JSON');
  let t = now();
  const gtRaw = readJsonFile(gtFile, 'COCO ground-truth');
  const dtRaw = readJsonFile(dtFile, 'COCO results');
  const parse_s = now() - t;
  t = now();
  const gt = validateGt(gtRaw, gtFile);
  const dt = validateResults(dtRaw, gt, dtFile).results;
  const validate_s = now() - t;

  const runs: BenchRun[] = [];
  let stats: number[] = [];
  const repeat = Math.max(1, opts.repeat ?? 3);
  for (let i = 0; i < repeat; i++) {
    log(`run ${i + 1}/${repeat}`);
    const cpu0 = process.cpuUsage();
    t = now();
    const prep = prepareCocoEval(gt, dt);
    const prepare_s = now() - t;
    t = now();
    const ev = evaluatePrepared(prep);
    const evaluate_s = now() - t;
    t = now();
    const acc = accumulateEval(ev, prep.params);
    const accumulate_s = now() - t;
    t = now();
    stats = summarizeEval(acc, prep.params).stats;
    const summarize_s = now() - t;
    const cpu = process.cpuUsage(cpu0);
    runs.push({ prepare_s, evaluate_s, accumulate_s, summarize_s, total_s: prepare_s + evaluate_s + accumulate_s + summarize_s, cpu_s: (cpu.user + cpu.system) / 1e6 });
  }
  const keys: Array<keyof BenchRun> = ['prepare_s', 'evaluate_s', 'accumulate_s', 'summarize_s', 'total_s', 'cpu_s'];
  const med = Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])) as unknown as BenchRun;

  const report: CocoBenchReport = {
    case_dir: opts.caseDir,
    images: gt.images.length,
    gt: gt.annotations.length,
    detections: dt.length,
    parse_s,
    validate_s,
    runs,
    median: med,
    peak_rss_mib: process.resourceUsage().maxRSS / 1024,
    stats,
  };
  if (opts.referenceFile && fs.existsSync(opts.referenceFile)) {
    const ref = readJsonFile(opts.referenceFile, 'reference stats') as { stats?: number[]; timing_s?: { eval_total?: { median: number; min: number; runs: number[] } } };
    if (Array.isArray(ref.stats) && ref.stats.length === 12) {
      report.reference_stats = ref.stats;
      report.max_abs_diff = Math.max(...stats.map((v, i) => Math.abs(v - (ref.stats as number[])[i])));
      report.match = report.max_abs_diff <= 1e-12;
    }
    const et = ref.timing_s?.eval_total;
    if (et && typeof et.median === 'number') {
      report.pycocotools_eval_total_s = { median: et.median, min: et.min, max: Math.max(...(et.runs ?? [et.median])) };
      report.speedup_vs_pycocotools = et.median / med.total_s;
    }
  }
  return report;
}
