import type { BatchPipeline } from '../data/loader/batch-pipeline';
import type { TrainLoader } from '../data/loader/train-loader';
import type { TrainArgs } from './args';
import type { Training } from './build-training';
import type { CheckpointWriter } from './checkpoint';
import type { RunData } from './setup';
import type { TrainHooks, ProgressFactory, TrainTiming } from './train-types';

/**
 * Everything the phases of a run share once it is set up (trainer.ts): ultralytics keeps the same on its
 * BaseTrainer instance (self.args, self.model, self.optimizer, self.train_loader, ...).
 */
export interface RunContext {
  args: TrainArgs;
  runDir: string;
  weightsDir: string;
  log: (line: string) => void;
  progress: ProgressFactory;
  onEpoch: TrainHooks['onEpoch'];
  data: RunData;
  t: Training;
  loader: TrainLoader;
  /** Batch k+1 is augmented on a worker thread while step k runs. */
  pipeline: BatchPipeline;
  /** Checkpoints are written in the background, one at a time. */
  checkpoints: CheckpointWriter;
  timing: TrainTiming;
}
