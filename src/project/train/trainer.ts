import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend/init';
import { createProgress } from '../../notebook/display/progress';
import { detectionLoss } from '../loss';
import { readYoloDataset } from '../data/yolo-dataset';
import { createYolo, YoloModel } from '../model/yolo';
import { loadWeightsInto } from '../model/load';
import { writeTransferReport } from './transfer-report';
import { DEFAULT_TRAIN_ARGS, TrainArgs, parseModelName } from './args';
import { CheckpointWriter, loadCheckpoint, snapshotCheckpoint, TrainerState } from './checkpoint';
import { accumulateGrads } from './accumulate';
import { BatchPipeline } from '../data/loader/batch-pipeline';
import { ModelEma } from './ema';
import { Batch, ImageCache, LabeledImage, TrainLoader } from '../data/loader/train-loader';
import { GroupOptimizer, OptimizerConfig, resolveAutoOptimizer } from './optimizer';
import { buildParamGroups, scaledWeightDecay } from './param-groups';
import { ResultRow, restoreResults } from './results-csv';
import { Rng } from '../random';
import { stepSettings, warmupIterations } from './schedule';
import { claimRunDir, clearEarlierRun, removeIfEmpty } from './run-dir';
import { acquireRunLock, tookOverMessage } from './run-lock';
import { labelPathFor } from '../data/yolo-dataset';
import { validate, ValidationRun } from '../eval/validate';
import { releasePool } from '../backend/native/memory';

/** Progress display for one phase (an epoch's batches, a validation pass). */
export interface ProgressSink {
  update(done: number, text?: string): void;
  done(text?: string): void;
}
export type ProgressFactory = (total: number, label: string) => ProgressSink;

export interface TrainHooks {
  progress?: ProgressFactory;
  log?: (line: string) => void;
  onEpoch?: (row: ResultRow, validation: ValidationRun | undefined) => void;
}

export interface TrainResult {
  runDir: string;
  epochsRun: number;
  best: { epoch: number; fitness: number };
  last: ResultRow | undefined;
  secondsPerEpoch: number[];
  /** Share of the epochs' time outside forward/loss/backward/optimizer (loading, augmentation, validation, checkpoints). */
  dataShare: number;
  /** Seconds over the run: batch preparation (decode, augment, collate), model step, validation, checkpoints. */
  timing: { data: number; step: number; val: number; checkpoint: number; total: number };
  skippedImages: number;
  stoppedEarly: boolean;
}

export class NanLossError extends Error {}

/** Default: a bar in a terminal, an in-place display in a notebook, periodic lines in logs. */
const defaultProgress: ProgressFactory = (total, label) => createProgress({ total, label, unit: 'batch' });

function toLabeled(images: { imagePath: string; labels: LabeledImage['labels'] }[]): LabeledImage[] {
  return images.map((i) => ({ imagePath: i.imagePath, labels: i.labels }));
}

function globalNorm(grads: Map<string, tf.Tensor>): number {
  return tf.tidy(() => {
    let acc: tf.Tensor = tf.scalar(0);
    for (const g of grads.values()) acc = tf.add(acc, tf.sum(tf.square(g)));
    return Math.sqrt(acc.dataSync()[0]);
  });
}

/**
 * A full training run following ultralytics' trainer (8.0.200): warmup, accumulation to a nominal
 * batch of 64, gradient clipping at norm 10, EMA, per-epoch validation on the EMA, results.csv,
 * last/best checkpoints, patience, mosaic closed for the last epochs, and resume.
 */
export async function train(input: Partial<TrainArgs> & { data: string; resume?: string }, hooks: TrainHooks = {}): Promise<TrainResult> {
  const log = hooks.log ?? ((l: string) => console.log(l));
  let args: TrainArgs;
  let runDir: string;
  let created = false;
  if (input.resume) {
    runDir = input.resume;
    const argsFile = path.join(runDir, 'args.json');
    if (!fs.existsSync(argsFile)) throw new Error(`${argsFile}: not a training run folder (no args.json)`);
    args = { ...(JSON.parse(fs.readFileSync(argsFile, 'utf8')) as TrainArgs), backend: input.backend ?? undefined };
  } else {
    args = { ...DEFAULT_TRAIN_ARGS, ...input } as TrainArgs;
    ({ dir: runDir, created } = claimRunDir(args.project, args.name, args.existOk));
  }
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
    return await trainInRunDir(input, hooks, args, runDir);
  } finally {
    lock.release();
    if (created) removeIfEmpty(runDir);
  }
}

/** The run itself, in `runDir`, which this process holds the lock of. */
async function trainInRunDir(input: Partial<TrainArgs> & { data: string; resume?: string }, hooks: TrainHooks, args: TrainArgs, runDir: string): Promise<TrainResult> {
  const log = hooks.log ?? ((l: string) => console.log(l));
  const progress = hooks.progress ?? defaultProgress;
  const scale = parseModelName(args.model);
  if (!Number.isInteger(args.imgsz) || args.imgsz % 32 !== 0 || args.imgsz < 32) throw new Error(`imgsz must be a multiple of 32 (got ${args.imgsz})`);
  if (!(args.batch >= 1)) throw new Error(`batch must be at least 1 (got ${args.batch})`);
  if (!fs.existsSync(args.data)) throw new Error(`${args.data}: data.yaml not found`);

  const choice = await initBackend({ backend: args.backend });
  const trainSet = await readYoloDataset(args.data, 'train');
  const valSet = await readYoloDataset(args.data, 'val');
  const nc = trainSet.data.nc;
  let trainItems = toLabeled(trainSet.images);
  if (args.fraction < 1) trainItems = trainItems.slice(0, Math.max(1, Math.round(trainItems.length * args.fraction)));
  if (trainItems.length === 0) throw new Error(`${args.data}: the train split has no images`);
  // Nothing to learn from images without boxes; some of them are background images, as in ultralytics.
  const unlabelled = trainItems.filter((i) => i.labels.length === 0).length;
  const labelsDir = path.dirname(labelPathFor(trainItems[0].imagePath));
  if (unlabelled === trainItems.length) throw new Error(`${args.data}: no labels in the train split: none of its ${trainItems.length} images has a box in ${labelsDir}`);
  if (unlabelled > 0) log(`warning: ${unlabelled} of ${trainItems.length} train images have no labels in ${labelsDir} (trained as background images)`);
  const valItems = toLabeled(valSet.images);
  for (const sk of [...trainSet.skipped, ...valSet.skipped]) log(`warning: skipped ${sk.imagePath}: ${sk.reason}`);

  fs.mkdirSync(path.join(runDir, 'weights'), { recursive: true });
  if (!input.resume) {
    // --exist-ok over an earlier run: a new run starts over, its rows and checkpoints are not mixed with the old.
    const cleared = clearEarlierRun(runDir);
    if (cleared.length) log(`${runDir}: a new run in this folder: removed the earlier run's ${cleared.map((f) => path.relative(runDir, f)).join(', ')}`);
    const tmp = path.join(runDir, 'args.json.tmp');
    fs.writeFileSync(tmp, JSON.stringify({ ...args, backend: choice.name, names: trainSet.data.names }, null, 1));
    fs.renameSync(tmp, path.join(runDir, 'args.json'));
  }
  log(`train: ${runDir} | yolov8${scale} nc=${nc} imgsz=${args.imgsz} batch=${args.batch} epochs=${args.epochs} | backend ${choice.name} | ${trainItems.length} train, ${valItems.length} val images`);

  const trainCache = new ImageCache(trainItems, args.imgsz, args.cache);
  const valCache = new ImageCache(valItems, args.imgsz, args.cache, false);
  // With a RAM cache (ultralytics cache=ram), decoding starts now, in libvips' threads, while the model
  // and optimizer are built; the epochs then find most images ready.
  if (args.cache) {
    trainCache.prefetch(trainItems.map((_, i) => i));
    valCache.prefetch(valItems.map((_, i) => i));
  }

  const model: YoloModel = createYolo({ scale, nc, seed: args.seed });
  if (args.weights && !input.resume) {
    // .pt, .safetensors or a bare name (fetched into the weights cache); mis-shaped tensors (another nc) are skipped.
    const rep = await loadWeightsInto(model, args.weights, { strict: false });
    // ultralytics transfers whatever fits; a checkpoint of another scale fits only a few tensors by chance, which
    // would leave a model that is mostly random while the log says "weights loaded".
    const total = rep.loaded.length + rep.mismatched.length + rep.missing.length;
    if (rep.loaded.length < total / 2) {
      throw new Error(`${rep.source}: only ${rep.loaded.length} of YOLOv8${scale}'s ${total} tensors fit (${rep.mismatched.length} of another shape, ${rep.missing.length} absent): weights of another scale?`);
    }
    log(`weights: ${rep.loaded.length} tensors loaded from ${rep.source}` + (rep.mismatched.length ? `, ${rep.mismatched.length} skipped (shape differs, e.g. another nc)` : ''));
    writeTransferReport(runDir, rep);
  }
  const named = model.namedTensors();
  const varName = new Map<string, string>();
  for (const [k, v] of named) varName.set(v.name, k);
  const trainable = model.trainableVariables();

  const nb = Math.ceil(trainItems.length / args.batch);
  const accumulateFull = Math.max(Math.round(args.nbs / args.batch), 1);
  const iterations = Math.ceil(trainItems.length / Math.max(args.batch, args.nbs)) * args.epochs;
  let optCfg: OptimizerConfig;
  let warmupBiasLr = args.warmupBiasLr;
  if (args.optimizer === 'auto') {
    optCfg = resolveAutoOptimizer(nc, iterations);
    warmupBiasLr = 0; // ultralytics: no higher than 0.01 for Adam; auto sets 0
  } else {
    optCfg = { name: args.optimizer, lr: args.lr0, momentum: args.momentum };
  }
  const groups = buildParamGroups(named, scaledWeightDecay(args.weightDecay, args.batch, args.nbs));
  const opt = new GroupOptimizer(groups, optCfg);
  const ema = new ModelEma(named);
  log(`optimizer: ${optCfg.name}(lr=${optCfg.lr}, momentum=${optCfg.momentum}) with parameter groups ${groups.map((g) => `${g.vars.length} ${g.kind}`).join(', ')}; accumulate to ${args.nbs} (x${accumulateFull})`);

  const weightsDir = path.join(runDir, 'weights');
  const resultsCsv = path.join(runDir, 'results.csv');
  let startEpoch = 0;
  let iterationsDone = 0;
  let lastOptStep = -1;
  let bestFitness = -Infinity;
  let bestEpoch = -1;
  let rng = new Rng(args.seed);
  if (input.resume) {
    const st: TrainerState = loadCheckpoint(weightsDir, 'last', model, ema, opt);
    startEpoch = st.epoch + 1;
    iterationsDone = st.iterations;
    lastOptStep = st.lastOptStep;
    bestFitness = st.bestFitness;
    bestEpoch = st.bestEpoch;
    rng = new Rng(st.rng);
    restoreResults(resultsCsv, st.epoch + 1, st.row);
    log(`resume: from epoch ${startEpoch + 1} of ${args.epochs} (${path.join(weightsDir, 'last.json')})`);
  }

  const loader = new TrainLoader(trainCache, args.batch, args.augment, rng);
  const nw = warmupIterations(args.warmupEpochs, nb);
  const secondsPerEpoch: number[] = [];
  const timing = { data: 0, step: 0, val: 0, checkpoint: 0, total: 0 };
  let last: ResultRow | undefined;
  let stoppedEarly = false;
  const accGrads = new Map<string, tf.Tensor>();
  // Batch k+1 is augmented on a worker thread while step k runs; checkpoints are written in the background.
  const pipeline = BatchPipeline.create(loader, args.cache);
  const checkpoints = new CheckpointWriter(weightsDir);
  /** An epoch's shuffled batches, its first batch already being built. Planned in epoch order (it draws from the rng). */
  const planEpoch = (epoch: number) => {
    const order = loader.epochOrder();
    const batches: number[][] = [];
    for (let i = 0; i < order.length; i += args.batch) batches.push(order.slice(i, i + args.batch));
    const mosaic = epoch < args.epochs - args.closeMosaic;
    trainCache.prefetch(batches[0]);
    // Mosaic partners are any images: with a RAM cache, queue the whole split (behind the first batch) so they are decoded ahead.
    if (trainCache.keep) trainCache.prefetch(order);
    const first = pipeline.build(batches[0], mosaic);
    first.catch(() => {});
    return { batches, mosaic, first };
  };
  let upcoming: ReturnType<typeof planEpoch> | undefined;
  try {
    for (let epoch = startEpoch; epoch < args.epochs; epoch++) {
      const tEpoch = Date.now();
      const { batches, mosaic, first } = upcoming ?? planEpoch(epoch);
      upcoming = undefined;
      const nBatches = args.maxBatches > 0 ? Math.min(args.maxBatches, batches.length) : batches.length;
      let next: Promise<Batch | undefined> | undefined = first;
      const bar = progress(nBatches, `epoch ${epoch + 1}/${args.epochs}`);
      const tloss: [number, number, number] = [0, 0, 0];
      let seen = 0;
      let settings = stepSettings({ ni: 0, nw, epoch, epochs: args.epochs, lrf: args.lrf, shape: args.lrShape, initialLr: opt.initialLr, momentum: optCfg.momentum, warmupMomentum: args.warmupMomentum, warmupBiasLr, batch: args.batch, nbs: args.nbs, hasMomentum: optCfg.name === 'SGD' });
      for (let i = 0; i < nBatches; i++) {
        const ni = i + nb * epoch;
        settings = stepSettings({ ni, nw, epoch, epochs: args.epochs, lrf: args.lrf, shape: args.lrShape, initialLr: opt.initialLr, momentum: optCfg.momentum, warmupMomentum: args.warmupMomentum, warmupBiasLr, batch: args.batch, nbs: args.nbs, hasMomentum: optCfg.name === 'SGD' });
        settings.lr.forEach((l, g) => (opt.lr[g] = l));
        settings.momentum.forEach((m, g) => (opt.momentum[g] = m));
        const tData = Date.now();
        const batch = await next!;
        next = undefined;
        if (i + 1 < nBatches) {
          trainCache.prefetch(batches[i + 1]);
          if (i + 2 < nBatches) trainCache.prefetch(batches[i + 2]);
          next = pipeline.build(batches[i + 1], mosaic);
          // If a NaN stops the run, the batch in flight is dropped unseen.
          next.catch(() => {});
          // Let the next batch's plan reach the worker (its images are usually cached) before the step holds the thread.
          await new Promise((r) => setImmediate(r));
        }
        timing.data += (Date.now() - tData) / 1000;
        if (!batch) continue;
        const tStep = Date.now();
        const { value, grads } = tf.variableGrads(() => {
          const feats = model.forward(batch.images, true);
          const out = detectionLoss(feats, batch.targets, { imgsz: [args.imgsz, args.imgsz], nc, strides: model.strides, hyp: { box: args.box, cls: args.cls, dfl: args.dfl } });
          out.items.forEach((v: number, k: number) => (tloss[k] = (tloss[k] * seen + v) / (seen + 1)));
          return out.loss;
        }, trainable);
        model.numBatchesTracked += 1;
        batch.images.dispose();
        const lossValue = value.dataSync()[0];
        value.dispose();
        if (!Number.isFinite(lossValue)) {
          Object.values(grads).forEach((g) => g.dispose());
          accGrads.forEach((g) => g.dispose());
          const files = batch.indices.map((k) => trainItems[k].imagePath).join(', ');
          throw new NanLossError(`loss is ${lossValue} at epoch ${epoch + 1}, batch ${i + 1} (images: ${files}); the last good checkpoint stays in ${weightsDir}`);
        }
        accumulateGrads(accGrads, grads, (vn) => varName.get(vn)!);
        seen++;
        iterationsDone++;
        if (ni - lastOptStep >= settings.accumulate) {
          const norm = globalNorm(accGrads);
          const scaleBy = norm > 10 ? 10 / (norm + 1e-6) : 1; // clip_grad_norm_(max_norm=10)
          const gmap: Record<string, tf.Tensor> = {};
          for (const [k, g] of accGrads) gmap[k] = scaleBy === 1 ? g : tf.mul(g, scaleBy);
          opt.apply(gmap);
          if (scaleBy !== 1) Object.values(gmap).forEach((g) => g.dispose());
          accGrads.forEach((g) => g.dispose());
          accGrads.clear();
          ema.update(named);
          lastOptStep = ni;
        }
        timing.step += (Date.now() - tStep) / 1000;
        const el = (Date.now() - tEpoch) / 1000;
        bar.update(i + 1, `box ${tloss[0].toFixed(3)} cls ${tloss[1].toFixed(3)} dfl ${tloss[2].toFixed(3)} | ${((seen * args.batch) / el).toFixed(2)} img/s`);
      }
      bar.done();
      // The epoch's random draws are complete: this is the state a resumed run starts the next epoch from.
      const rngState = rng.getState();
      if (epoch + 1 < args.epochs) {
        // The next epoch's first batch is built on the worker while validation and the checkpoint run here.
        upcoming = planEpoch(epoch + 1);
        await new Promise((r) => setImmediate(r));
      }
      const isLast = epoch === args.epochs - 1;
      let valRun: ValidationRun | undefined;
      const tVal = Date.now();
      if ((args.val || isLast) && valItems.length > 0) {
        const vbar = progress(valItems.length, '  val');
        // ultralytics validates during training with twice the batch, on the EMA weights.
        valRun = await withEma(model, ema, () => validate(model, valCache, trainSet.data.names, { batch: args.batch * 2, rect: args.rect, losses: true, conf: args.conf, iou: args.iou, maxDet: args.maxDet, onProgress: (d) => vbar.update(d) }));
        vbar.done();
      }
      const metrics = valRun?.validation.metrics;
      const valLoss = valRun?.valLoss;
      timing.val += (Date.now() - tVal) / 1000;
      const row: ResultRow = {
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
        'lr/pg0': opt.lr[0],
        'lr/pg1': opt.lr[1],
        'lr/pg2': opt.lr[2],
      };
      last = row;
      const fit = metrics ? metrics.fitness : -Infinity;
      const improved = fit > bestFitness || bestEpoch < 0;
      if (improved) {
        bestFitness = fit;
        bestEpoch = epoch;
      }
      const state = { epoch, emaUpdates: ema.updates, iterations: iterationsDone, lastOptStep, rng: rngState, optimizer: opt.getState(), bestFitness, bestEpoch, numBatchesTracked: model.numBatchesTracked, args: args as unknown as Record<string, unknown>, row };
      const tCk = Date.now();
      // The row goes to results.csv once its checkpoint is committed: a row never exists without the state to resume after it.
      await checkpoints.save(snapshotCheckpoint('last', model, ema, opt, state), improved ? 'best' : undefined, { file: resultsCsv, row });
      timing.checkpoint += (Date.now() - tCk) / 1000;
      const sec = (Date.now() - tEpoch) / 1000;
      secondsPerEpoch.push(sec);
      timing.total += sec;
      log(
        `epoch ${epoch + 1}/${args.epochs}: box ${tloss[0].toFixed(4)} cls ${tloss[1].toFixed(4)} dfl ${tloss[2].toFixed(4)}` +
          (metrics ? ` | P ${metrics.p.toFixed(3)} R ${metrics.r.toFixed(3)} mAP50 ${metrics.map50.toFixed(3)} mAP50-95 ${metrics.map.toFixed(3)}` : '') +
          ` | ${sec.toFixed(1)} s`,
      );
      hooks.onEpoch?.(row, valRun);
      if (epoch - bestEpoch >= args.patience) {
        log(`early stop: no improvement for ${args.patience} epochs (best epoch ${bestEpoch + 1})`);
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    // An early stop leaves the next epoch's first batch built but unused.
    if (upcoming) await upcoming.first.then((b) => b?.images.dispose(), () => {});
    // Whatever ends the run, the last checkpoint is complete on disk before it reports.
    await pipeline.close();
    const tFlush = Date.now();
    await checkpoints.close();
    const flushSec = (Date.now() - tFlush) / 1000;
    timing.checkpoint += flushSec;
    timing.total += flushSec;
  }
  const skipped = trainCache.failed.size + valCache.failed.size + trainSet.skipped.length + valSet.skipped.length;
  for (const [i, why] of [...trainCache.failed, ...valCache.failed]) log(`warning: skipped image ${i}: ${why}`);
  opt.dispose();
  ema.dispose();
  model.dispose();
  releasePool(); // a notebook kernel lives on after training: its pooled arrays go back to the collector
  return {
    runDir,
    epochsRun: secondsPerEpoch.length,
    best: { epoch: bestEpoch + 1, fitness: bestFitness },
    last,
    secondsPerEpoch,
    dataShare: timing.total > 0 ? Math.max(0, 1 - timing.step / timing.total) : 0,
    timing,
    skippedImages: skipped,
    stoppedEarly,
  };
}

/** Runs `fn` with the EMA weights in the model, then puts the training weights back. */
async function withEma<T>(model: YoloModel, ema: ModelEma, fn: () => Promise<T>): Promise<T> {
  const named = model.namedTensors();
  const backup = new Map<string, tf.Tensor>();
  for (const [k, v] of named) backup.set(k, v.clone());
  ema.copyTo(named);
  try {
    return await fn();
  } finally {
    for (const [k, v] of named) v.assign(backup.get(k)!);
    backup.forEach((t) => t.dispose());
  }
}
