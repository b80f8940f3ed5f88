/**
 * The seed's experiment in small, on real photos: fine-tune ultralytics' COCO-pretrained yolov8n.pt on 50 real
 * TACO litter photos (../shared/real/trash-filter-taco416, 7 classes; validate on 100 others), with the settings
 * of ultralytics' reference runs (15 epochs, imgsz 416, batch 8, optimizer auto, seeds 0, 1, 2), and set the final
 * mAP50 / mAP50-95 beside ultralytics 8.0.200's results.csv of the same runs. Training is stochastic: compare the
 * means over seeds within a band, not digit by digit.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readResults, ResultRow } from '../project/train/results-csv';
import type { ProgressFactory } from '../project/train/trainer';

export interface FinetuneOptions {
  /** The folder with trash-filter-taco416/ and reference/ (../shared/real). */
  real: string;
  weights: string;
  seeds: number[];
  epochs: number;
  imgsz: number;
  batch: number;
  backend?: string;
  /** The trainer's progress hook (epochs and batches of each run). */
  progress?: ProgressFactory;
}

export interface FinetuneRun {
  seed: number;
  seconds: number;
  secondsPerEpoch: number;
  /** Share of the run outside forward/loss/backward/optimizer (data, validation, checkpoints). */
  outsideStepShare: number;
  map50: number;
  map: number;
  /** ultralytics' final values for this seed, when its reference results.csv exists. */
  reference?: { map50: number; map: number };
}

/** ultralytics' results.csv of seed `seed` (seed 0 has no suffix). */
export function referenceCsv(real: string, seed: number): string {
  return path.join(real, 'reference', `trash-filter-finetune-ultralytics${seed === 0 ? '' : `-seed${seed}`}.csv`);
}

function finalMetrics(rows: ResultRow[]): { map50: number; map: number } {
  const last = rows[rows.length - 1];
  return { map50: last['metrics/mAP50(B)'], map: last['metrics/mAP50-95(B)'] };
}

export async function benchFinetune(o: FinetuneOptions): Promise<FinetuneRun[]> {
  const data = path.join(o.real, 'trash-filter-taco416', 'data-local.yaml');
  if (!fs.existsSync(data)) throw new Error(`${data}: not found (the real litter photos are in ../shared/real)`);
  const { train } = await import('../project/train/trainer');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-bench-finetune-'));
  const runs: FinetuneRun[] = [];
  try {
    for (const seed of o.seeds) {
      const t0 = Date.now();
      const r = await train(
        { data, model: 'yolov8n', weights: o.weights, epochs: o.epochs, imgsz: o.imgsz, batch: o.batch, seed, backend: o.backend, project: tmp, name: `seed${seed}` },
        { log: () => {}, progress: o.progress },
      );
      const rows = readResults(path.join(r.runDir, 'results.csv'));
      const ref = referenceCsv(o.real, seed);
      runs.push({
        seed,
        seconds: (Date.now() - t0) / 1000,
        secondsPerEpoch: r.timing.total / Math.max(1, r.epochsRun),
        outsideStepShare: r.dataShare,
        ...finalMetrics(rows),
        reference: fs.existsSync(ref) && o.epochs === 15 ? finalMetrics(readResults(ref)) : undefined,
      });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return runs;
}

/** Means over runs, ours and ultralytics', and the issue's goal: our mean mAP50-95 >= theirs - 0.01. */
export function finetuneSummary(runs: FinetuneRun[]) {
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const refs = runs.filter((r) => r.reference);
  const ours = { map50: mean(runs.map((r) => r.map50)), map: mean(runs.map((r) => r.map)) };
  const theirs = refs.length === runs.length ? { map50: mean(refs.map((r) => r.reference!.map50)), map: mean(refs.map((r) => r.reference!.map)) } : undefined;
  return { ours, ultralytics: theirs, goalMet: theirs ? ours.map >= theirs.map - 0.01 : undefined };
}
