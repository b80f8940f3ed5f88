import * as fs from 'node:fs';
import * as path from 'node:path';
import { createProgress, Progress } from '../../notebook/display/progress';
import { readResults, ResultRow } from '../train/results-csv';
import type { ProgressFactory, TrainResult } from '../train/trainer';
import type { Part1Config } from './config';
import { readTransferReport, TransferReport } from '../train/transfer-report';

export interface TrainedRun {
  runDir: string;
  /** EMA weights of the best epoch (by fitness 0.1 mAP50 + 0.9 mAP50-95). */
  best: string;
  last: string;
  rows: ResultRow[];
  /** 'trained' this time, 'resumed' an interrupted run, or 'reused' a finished one. */
  how: 'trained' | 'resumed' | 'reused';
  seconds: number;
  secondsPerEpoch?: number[];
  /** What the initial weights gave (undefined: trained from scratch). */
  transfer?: TransferReport;
}

/** The settings a checkpoint must share with the configuration to be reused. */
function sameRun(args: Record<string, unknown>, c: Part1Config, data: string): boolean {
  return args.model === c.model && String(args.weights ?? '') === String(c.weights ?? '') && args.imgsz === c.imgsz && args.epochs === c.epochs && args.batch === c.batch && path.resolve(String(args.data)) === path.resolve(data);
}

export type RunState = { kind: 'none' } | { kind: 'finished' } | { kind: 'interrupted'; epochs: number } | { kind: 'other-config' };

/** What is in the run folder: nothing, a finished run of this configuration, an interrupted one, or another configuration's run. */
export function runState(runDir: string, c: Part1Config, data: string): RunState {
  const argsFile = path.join(runDir, 'args.json');
  if (!fs.existsSync(argsFile)) return { kind: 'none' };
  let args: Record<string, unknown>;
  try {
    args = JSON.parse(fs.readFileSync(argsFile, 'utf8')) as Record<string, unknown>;
  } catch {
    return { kind: 'other-config' };
  }
  if (!sameRun(args, c, data)) return { kind: 'other-config' };
  const lastJson = path.join(runDir, 'weights', 'last.json');
  if (!fs.existsSync(lastJson) || !fs.existsSync(path.join(runDir, 'weights', 'best.safetensors'))) return { kind: 'interrupted', epochs: 0 };
  const st = JSON.parse(fs.readFileSync(lastJson, 'utf8')) as { epoch: number; bestEpoch: number };
  const done = st.epoch + 1;
  const patience = Number(args.patience ?? 50);
  // Finished: every epoch ran, or the trainer stopped early for patience.
  if (done >= c.epochs || done - 1 - st.bestEpoch >= patience) return { kind: 'finished' };
  return { kind: 'interrupted', epochs: done };
}

/**
 * One progress display for the whole run (epochs done, the current batch in the note) instead of a
 * new bar per epoch and per validation pass.
 */
export function runProgress(epochs: number, startEpoch = 0): { factory: ProgressFactory; bar: Progress } {
  const bar = createProgress({ total: epochs, label: 'train', unit: 'epoch' });
  bar.update(startEpoch);
  const factory: ProgressFactory = (total, label) => ({
    update: (done, text) => bar.update(bar.value, `${label.trim()} ${done}/${total}${text ? ` ${text}` : ''}`),
    // An epoch's bar ends when its batches do; its validation pass only changes the note.
    done: () => {
      if (/^epoch/.test(label.trim())) bar.tick(1, `${label.trim()} trained, validating`);
    },
  });
  return { factory, bar };
}

/**
 * The seed's "train, or load our trained model": reuses a finished run of this exact configuration,
 * resumes an interrupted one, and trains otherwise (or always, with RETRAIN).
 */
export async function trainOrReuse(c: Part1Config, data: string, log: (line: string) => void = (l) => console.log(l)): Promise<TrainedRun> {
  const runDir = path.join(c.project, c.name);
  const t0 = Date.now();
  let state = runState(runDir, c, data);
  if (state.kind === 'other-config' || (c.retrain && state.kind !== 'none')) {
    log(`${c.retrain ? 'RETRAIN is set' : `${runDir} holds a run of another configuration`}: starting it again`);
    fs.rmSync(runDir, { recursive: true, force: true });
    state = { kind: 'none' };
  }
  let how: TrainedRun['how'] = 'reused';
  let result: TrainResult | undefined;
  if (state.kind !== 'finished') {
    const { train } = await import('../train/trainer');
    const resume = state.kind === 'interrupted' && state.epochs > 0;
    const { factory, bar } = runProgress(c.epochs, resume ? (state as { epochs: number }).epochs : 0);
    // Only the run's summary lines go to the output; the per-epoch numbers are in results.csv and the plots below.
    const quiet = (l: string) => { if (!/^epoch \d+\//.test(l)) log(l); };
    try {
      result = resume
        ? await train({ data, resume: runDir, backend: c.backend }, { progress: factory, log: quiet })
        : await train(
            {
              data, model: c.model, weights: c.weights, epochs: c.epochs, imgsz: c.imgsz, batch: c.batch, backend: c.backend, optimizer: c.optimizer, lr0: c.lr0,
              momentum: c.momentum, warmupEpochs: c.warmupEpochs, closeMosaic: c.closeMosaic, seed: c.seed, project: c.project, name: c.name, existOk: true,
            },
            { progress: factory, log: quiet },
          );
    } finally {
      bar.done();
    }
    how = resume ? 'resumed' : 'trained';
  } else log(`reusing the finished run ${path.relative(c.root, runDir)} (set RETRAIN=1 to train again)`);
  const rows = readResults(path.join(runDir, 'results.csv'));
  return {
    runDir,
    best: path.join(runDir, 'weights', 'best.safetensors'),
    last: path.join(runDir, 'weights', 'last.safetensors'),
    rows,
    how,
    seconds: (Date.now() - t0) / 1000,
    secondsPerEpoch: result?.secondsPerEpoch,
    transfer: readTransferReport(runDir),
  };
}
