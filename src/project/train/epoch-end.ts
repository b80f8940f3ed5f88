import * as path from 'node:path';
import { validate, ValidationRun } from '../eval/validate';
import { snapshotCheckpoint } from './checkpoint';
import { withEma } from './ema';
import type { ResultRow } from './results-csv';
import type { RunContext } from './run-context';

/**
 * The end of an epoch: validation on the EMA weights, the results.csv row, the best fitness, the last (and
 * best) checkpoint, and patience. Follows ultralytics 8.0.200 engine/trainer.py BaseTrainer._do_train's
 * epoch end (validate, save_metrics, save_model, stopper) and BaseTrainer.validate.
 */

async function validateOnEma(ctx: RunContext, isLast: boolean): Promise<ValidationRun | undefined> {
  const { args, t, data } = ctx;
  if (!(args.val || isLast) || data.valItems.length === 0) return undefined;
  const vbar = ctx.progress(data.valItems.length, '  val');
  // ultralytics validates during training with twice the batch, on the EMA weights.
  const run = await withEma(t.model, t.ema, () =>
    validate(t.model, data.valCache, data.names, { batch: args.batch * 2, rect: args.rect, losses: true, conf: args.conf, iou: args.iou, maxDet: args.maxDet, onProgress: (d) => vbar.update(d) }),
  );
  vbar.done();
  return run;
}

function resultRow(ctx: RunContext, epoch: number, tloss: [number, number, number], valRun: ValidationRun | undefined): ResultRow {
  const metrics = valRun?.validation.metrics;
  const valLoss = valRun?.valLoss;
  const lr = ctx.t.opt.lr;
  return {
    epoch: epoch + 1,
    'train/box_loss': tloss[0],
    'train/cls_loss': tloss[1],
    'train/dfl_loss': tloss[2],
    'metrics/precision(B)': metrics?.p ?? 0,
    'metrics/recall(B)': metrics?.r ?? 0,
    'metrics/mAP50(B)': metrics?.map50 ?? 0,
    'metrics/mAP50-95(B)': metrics?.map ?? 0,
    'val/box_loss': valLoss?.[0] ?? 0,
    'val/cls_loss': valLoss?.[1] ?? 0,
    'val/dfl_loss': valLoss?.[2] ?? 0,
    'lr/pg0': lr[0],
    'lr/pg1': lr[1],
    'lr/pg2': lr[2],
  };
}

/**
 * Validates, checkpoints and logs epoch `epoch` (started at `tEpoch`, ms). `rngState` is the rng as the
 * next epoch starts from it. `stop`: patience ran out.
 */
export async function endEpoch(ctx: RunContext, epoch: number, tloss: [number, number, number], rngState: [number, number, number, number], tEpoch: number): Promise<{ row: ResultRow; seconds: number; stop: boolean }> {
  const { args, t, timing } = ctx;
  const tVal = Date.now();
  const valRun = await validateOnEma(ctx, epoch === args.epochs - 1);
  const metrics = valRun?.validation.metrics;
  timing.val += (Date.now() - tVal) / 1000;
  const row = resultRow(ctx, epoch, tloss, valRun);
  const fit = metrics ? metrics.fitness : -Infinity;
  const improved = fit > t.bestFitness || t.bestEpoch < 0;
  if (improved) {
    t.bestFitness = fit;
    t.bestEpoch = epoch;
  }
  const state = {
    epoch, emaUpdates: t.ema.updates, iterations: t.iterations, lastOptStep: t.step.lastOptStep, rng: rngState, optimizer: t.opt.getState(),
    bestFitness: t.bestFitness, bestEpoch: t.bestEpoch, numBatchesTracked: t.model.numBatchesTracked, args: args as unknown as Record<string, unknown>, row,
  };
  const tCk = Date.now();
  // The row goes to results.csv once its checkpoint is committed: a row never exists without the state to resume after it.
  const resultsCsv = path.join(ctx.runDir, 'results.csv');
  await ctx.checkpoints.save(snapshotCheckpoint('last', t.model, t.ema, t.opt, state), improved ? 'best' : undefined, { file: resultsCsv, row });
  timing.checkpoint += (Date.now() - tCk) / 1000;
  const seconds = (Date.now() - tEpoch) / 1000;
  timing.total += seconds;
  ctx.log(
    `epoch ${epoch + 1}/${args.epochs}: box ${tloss[0].toFixed(4)} cls ${tloss[1].toFixed(4)} dfl ${tloss[2].toFixed(4)}` +
      (metrics ? ` | P ${metrics.p.toFixed(3)} R ${metrics.r.toFixed(3)} mAP50 ${metrics.map50.toFixed(3)} mAP50-95 ${metrics.map.toFixed(3)}` : '') +
      ` | ${seconds.toFixed(1)} s`,
  );
  ctx.onEpoch?.(row, valRun);
  const stop = epoch - t.bestEpoch >= args.patience;
  if (stop) ctx.log(`early stop: no improvement for ${args.patience} epochs (best epoch ${t.bestEpoch + 1})`);
  return { row, seconds, stop };
}
