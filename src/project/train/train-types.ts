import type { ValidationRun } from '../eval/validate';
import type { TrainArgs } from './args';
import type { ResultRow } from './results-csv';

/** What `train()` takes and gives back, and how its caller watches it. */

export type TrainInput = Partial<TrainArgs> & { data: string; resume?: string };

/** Progress display for one phase (an epoch's batches, a validation pass). */
export interface ProgressSink {
  update(done: number, text?: string): void;
  done(text?: string): void;
}
export type ProgressFactory = (total: number, label: string) => ProgressSink;

/** The default: the trainer draws nothing itself; the CLI and the notebook bring their displays. */
export const silentProgress: ProgressFactory = () => ({ update() {}, done() {} });

export interface TrainHooks {
  progress?: ProgressFactory;
  log?: (line: string) => void;
  onEpoch?: (row: ResultRow, validation: ValidationRun | undefined) => void;
}

/** Seconds over the run: batch preparation (decode, augment, collate), model step, validation, checkpoints. */
export interface TrainTiming {
  data: number;
  step: number;
  val: number;
  checkpoint: number;
  total: number;
}

export interface TrainResult {
  runDir: string;
  epochsRun: number;
  best: { epoch: number; fitness: number };
  last: ResultRow | undefined;
  secondsPerEpoch: number[];
  /** Share of the epochs' time outside forward/loss/backward/optimizer (loading, augmentation, validation, checkpoints). */
  dataShare: number;
  timing: TrainTiming;
  skippedImages: number;
  stoppedEarly: boolean;
}

export class NanLossError extends Error {}
