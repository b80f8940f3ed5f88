import type { Batch } from '../data/loader/train-loader';
import type { RunContext } from './run-context';
import { stepSettings, warmupIterations } from './schedule';
import { trainStep } from './step';
import { NanLossError } from './train-types';

/**
 * One epoch's batches: the lr/momentum/accumulate schedule per iteration, one `trainStep` per batch, the
 * running mean of the loss items, the progress display. Follows the batch loop of ultralytics 8.0.200
 * engine/trainer.py BaseTrainer._do_train (warmup by ni, optimizer_step every `accumulate` iterations),
 * with each batch built by the BatchPipeline while the previous one trains.
 */

/** An epoch's shuffled batches, its first batch already being built. */
export interface EpochPlan {
  batches: number[][];
  mosaic: boolean;
  first: Promise<Batch | undefined>;
}

/** Plans `epoch`. Must be called in epoch order: the order and the augmentation draw from the run's rng. */
export function planEpoch(ctx: RunContext, epoch: number): EpochPlan {
  const { args, loader, pipeline } = ctx;
  const cache = ctx.data.trainCache;
  const order = loader.epochOrder();
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += args.batch) batches.push(order.slice(i, i + args.batch));
  const mosaic = epoch < args.epochs - args.closeMosaic;
  cache.prefetch(batches[0]);
  // Mosaic partners are any images: with a RAM cache, queue the whole split (behind the first batch) so they are decoded ahead.
  if (cache.keep) cache.prefetch(order);
  const first = pipeline.build(batches[0], mosaic);
  first.catch(() => {});
  return { batches, mosaic, first };
}

/** Trains on the planned batches; returns the epoch's mean loss items (box, cls, dfl). */
export async function trainEpoch(ctx: RunContext, epoch: number, plan: EpochPlan, tEpoch: number): Promise<[number, number, number]> {
  const { args, t, timing } = ctx;
  const { batches, mosaic } = plan;
  const cache = ctx.data.trainCache;
  const nb = Math.ceil(ctx.data.trainItems.length / args.batch);
  const nw = warmupIterations(args.warmupEpochs, nb);
  const nBatches = args.maxBatches > 0 ? Math.min(args.maxBatches, batches.length) : batches.length;
  let next: Promise<Batch | undefined> | undefined = plan.first;
  const bar = ctx.progress(nBatches, `epoch ${epoch + 1}/${args.epochs}`);
  const tloss: [number, number, number] = [0, 0, 0];
  let seen = 0;
  for (let i = 0; i < nBatches; i++) {
    const ni = i + nb * epoch;
    const settings = stepSettings({
      ni, nw, epoch, epochs: args.epochs, lrf: args.lrf, shape: args.lrShape, initialLr: t.opt.initialLr, momentum: t.optCfg.momentum,
      warmupMomentum: args.warmupMomentum, warmupBiasLr: t.warmupBiasLr, batch: args.batch, nbs: args.nbs, hasMomentum: t.optCfg.name === 'SGD',
    });
    settings.lr.forEach((l, g) => (t.opt.lr[g] = l));
    settings.momentum.forEach((m, g) => (t.opt.momentum[g] = m));
    const tData = Date.now();
    const batch = await next!;
    next = undefined;
    if (i + 1 < nBatches) {
      cache.prefetch(batches[i + 1]);
      if (i + 2 < nBatches) cache.prefetch(batches[i + 2]);
      next = ctx.pipeline.build(batches[i + 1], mosaic);
      // If a NaN stops the run, the batch in flight is dropped unseen.
      next.catch(() => {});
      // Let the next batch's plan reach the worker (its images are usually cached) before the step holds the thread.
      await new Promise((r) => setImmediate(r));
    }
    timing.data += (Date.now() - tData) / 1000;
    if (!batch) continue;
    const tStep = Date.now();
    const r = trainStep(t.step, batch, { ni, accumulate: settings.accumulate, hyp: { box: args.box, cls: args.cls, dfl: args.dfl } });
    batch.images.dispose();
    if (!Number.isFinite(r.loss)) {
      const files = batch.indices.map((k) => ctx.data.trainItems[k].imagePath).join(', ');
      throw new NanLossError(`loss is ${r.loss} at epoch ${epoch + 1}, batch ${i + 1} (images: ${files}); the last good checkpoint stays in ${ctx.weightsDir}`);
    }
    r.items.forEach((v, k) => (tloss[k] = (tloss[k] * seen + v) / (seen + 1)));
    seen++;
    t.iterations++;
    timing.step += (Date.now() - tStep) / 1000;
    const el = (Date.now() - tEpoch) / 1000;
    bar.update(i + 1, `box ${tloss[0].toFixed(3)} cls ${tloss[1].toFixed(3)} dfl ${tloss[2].toFixed(3)} | ${((seen * args.batch) / el).toFixed(2)} img/s`);
  }
  bar.done();
  return tloss;
}
