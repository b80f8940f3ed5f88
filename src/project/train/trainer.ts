import * as path from 'node:path';
import { trainKernels } from '../backend/train-kernels';
import { BatchPipeline } from '../data/loader/batch-pipeline';
import { TrainLoader } from '../data/loader/train-loader';
import type { TrainArgs } from './args';
import { buildTraining } from './build-training';
import { CheckpointWriter } from './checkpoint';
import { endEpoch } from './epoch-end';
import type { ResultRow } from './results-csv';
import type { RunContext } from './run-context';
import { removeIfEmpty } from './run-dir';
import { acquireRunLock, tookOverMessage } from './run-lock';
import { disposeStepState } from './step-state';
import { prepareRun, resolveRun } from './setup';
import { EpochPlan, planEpoch, trainEpoch } from './train-epoch';
import { silentProgress, TrainHooks, TrainInput, TrainResult } from './train-types';

export { NanLossError } from './train-types';
export type { ProgressFactory, ProgressSink, TrainHooks, TrainInput, TrainResult, TrainTiming } from './train-types';

/**
 * A full training run following ultralytics' trainer (8.0.200 engine/trainer.py BaseTrainer.train and
 * _do_train): warmup, accumulation to a nominal batch of 64, gradient clipping at norm 10, EMA, per-epoch
 * validation on the EMA, results.csv, last/best checkpoints, patience, mosaic closed for the last epochs,
 * and resume. The phases live in their own files: setup.ts, build-training.ts, train-epoch.ts (with
 * step.ts), epoch-end.ts.
 */
export async function train(input: TrainInput, hooks: TrainHooks = {}): Promise<TrainResult> {
  const log = hooks.log ?? ((l: string) => console.log(l));
  const { args, runDir, created } = resolveRun(input);
  // One run per folder (run-lock.ts), taken before anything in it is read or written.
  let lock;
  try {
    lock = acquireRunLock(runDir, input.resume ? `taco train --resume ${runDir}` : `taco train --data ${args.data}`);
  } catch (e) {
    if (created) removeIfEmpty(runDir);
    throw e;
  }
  if (lock.tookOver) log(`warning: ${tookOverMessage(runDir, lock.tookOver)}`);
  try {
    return await trainInRunDir(args, runDir, Boolean(input.resume), { ...hooks, log });
  } finally {
    lock.release();
    if (created) removeIfEmpty(runDir);
  }
}

/** The run itself, in `runDir`, which this process holds the lock of. */
async function trainInRunDir(args: TrainArgs, runDir: string, resume: boolean, hooks: TrainHooks & { log: (line: string) => void }): Promise<TrainResult> {
  const data = await prepareRun(args, runDir, resume, hooks.log);
  const t = await buildTraining(args, data, runDir, resume, hooks.log);
  const loader = new TrainLoader(data.trainCache, args.batch, args.augment, t.rng);
  const weightsDir = path.join(runDir, 'weights');
  const ctx: RunContext = {
    args, runDir, weightsDir, log: hooks.log, progress: hooks.progress ?? silentProgress, onEpoch: hooks.onEpoch, data, t, loader,
    pipeline: BatchPipeline.create(loader, args.cache), checkpoints: new CheckpointWriter(weightsDir), timing: { data: 0, step: 0, val: 0, checkpoint: 0, total: 0 },
  };
  const secondsPerEpoch: number[] = [];
  let last: ResultRow | undefined;
  let stoppedEarly = false;
  let upcoming: EpochPlan | undefined;
  try {
    for (let epoch = t.startEpoch; epoch < args.epochs && !stoppedEarly; epoch++) {
      const tEpoch = Date.now();
      const plan = upcoming ?? planEpoch(ctx, epoch);
      upcoming = undefined;
      const tloss = await trainEpoch(ctx, epoch, plan, tEpoch);
      // The epoch's random draws are complete: this is the state a resumed run starts the next epoch from.
      const rngState = t.rng.getState();
      if (epoch + 1 < args.epochs) {
        // The next epoch's first batch is built on the worker while validation and the checkpoint run here.
        upcoming = planEpoch(ctx, epoch + 1);
        await new Promise((r) => setImmediate(r));
      }
      const end = await endEpoch(ctx, epoch, tloss, rngState, tEpoch);
      last = end.row;
      secondsPerEpoch.push(end.seconds);
      stoppedEarly = end.stop;
    }
  } finally {
    await closeRun(ctx, upcoming);
  }
  return teardown(ctx, { runDir, epochsRun: secondsPerEpoch.length, last, secondsPerEpoch, stoppedEarly });
}

/** Whatever ends the run (its epochs, patience, an error), the last checkpoint is complete on disk before it reports. */
async function closeRun(ctx: RunContext, upcoming: EpochPlan | undefined): Promise<void> {
  // An early stop leaves the next epoch's first batch built but unused.
  if (upcoming) await upcoming.first.then((b) => b?.images.dispose(), () => {});
  await ctx.pipeline.close();
  const tFlush = Date.now();
  await ctx.checkpoints.close();
  const flushSec = (Date.now() - tFlush) / 1000;
  ctx.timing.checkpoint += flushSec;
  ctx.timing.total += flushSec;
}

/** Reports the images that could not be used, frees the model and optimizer (BaseTrainer._clear_memory). */
function teardown(ctx: RunContext, r: Omit<TrainResult, 'best' | 'dataShare' | 'timing' | 'skippedImages'>): TrainResult {
  const { data, t, timing } = ctx;
  const { trainCache, valCache } = data;
  const skipped = trainCache.failed.size + valCache.failed.size + data.skippedListed;
  for (const [i, why] of [...trainCache.failed, ...valCache.failed]) ctx.log(`warning: skipped image ${i}: ${why}`);
  disposeStepState(t.step); // the optimizer's moments, the EMA, and gradients summed after the last optimizer step
  t.model.dispose();
  trainKernels().releaseMemory(); // a notebook kernel lives on after training: its pooled arrays go back to the collector
  return {
    ...r,
    best: { epoch: t.bestEpoch + 1, fitness: t.bestFitness },
    dataShare: timing.total > 0 ? Math.max(0, 1 - timing.step / timing.total) : 0,
    timing,
    skippedImages: skipped,
  };
}
