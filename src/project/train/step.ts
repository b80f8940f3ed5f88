import * as tf from '@tensorflow/tfjs-core';
import { detectionLoss, type LossHyp } from '../loss';
import type { LossTargets } from '../loss/targets';
import type { YoloModel } from '../model/yolo';
import { accumulateGrads } from './accumulate';
import type { ModelEma } from './ema';
import type { GroupOptimizer } from './optimizer';

/**
 * One training step, the one `taco train`, `bench train`, `bench epoch` and the tests all run. It follows
 * the body of ultralytics 8.0.200 engine/trainer.py BaseTrainer._do_train's batch loop: forward and loss,
 * backward, gradients summed over micro-batches until `accumulate` iterations have passed since the last
 * optimizer step, then BaseTrainer.optimizer_step (clip_grad_norm_ to 10, optimizer.step, ema.update).
 * Builders of the state for the trainer's optimizer are in step-state.ts.
 */

export interface StepState {
  model: YoloModel;
  optimizer: GroupOptimizer;
  /** Updated after each optimizer step when present (the trainer); benchmarks time the step without it. */
  ema?: ModelEma;
  /** Gradients summed since the last optimizer step, by model key (ultralytics state_dict name). */
  accGrads: Map<string, tf.Tensor>;
  /** tfjs variable name -> model key: tfjs names gradients by variable, the optimizer's groups by key. */
  varKey: Map<string, string>;
  /** Iteration `ni` of the last optimizer step (-1 before the first). */
  lastOptStep: number;
}

export interface StepBatch {
  images: tf.Tensor4D; // [B, H, W, 3], 0..1; not disposed by the step (benchmarks reuse one batch)
  targets: LossTargets;
}

/**
 * 'yolo': the detection loss (assigner, CIoU, DFL, BCE). 'surrogate': the mean of squares of the head
 * maps, which is what native/torch_bench.py trains PyTorch with, for a like-for-like comparison.
 */
export type BenchLoss = 'yolo' | 'surrogate';

export interface StepSettings {
  /** Global iteration index (batches since the run began, as ultralytics' ni). */
  ni: number;
  /** Optimizer step once ni - lastOptStep >= accumulate (1: every step). */
  accumulate: number;
  loss?: BenchLoss;
  hyp?: Partial<LossHyp>;
  /** clip_grad_norm_ max norm: ultralytics clips at 10. Infinity skips the norm (and its read-back) altogether. */
  maxNorm?: number;
  /** Times the phases; reads one value after each (which serializes asynchronous backends). */
  timed?: boolean;
}

export interface StepTimes {
  forward: number; // seconds
  loss: number;
  backward: number;
  optimizer: number; // accumulation, clipping, the update, the EMA
  total: number;
}

export interface StepResult {
  /** Total loss (x batch, as ultralytics); not finite: nothing was applied, every gradient is disposed. */
  loss: number;
  items: [number, number, number]; // box, cls, dfl
  /** Whether the optimizer ran this step. */
  stepped: boolean;
  times?: StepTimes;
}

const now = (): number => performance.now() / 1000;

/** Waits for pending kernels on asynchronous backends by reading one value (free on cpu/wasm). */
function settle(t: tf.Tensor): void {
  tf.tidy(() => tf.slice(tf.reshape(t, [-1]), [0], [1]).dataSync());
}

function globalNorm(grads: Map<string, tf.Tensor>): number {
  return tf.tidy(() => {
    let acc: tf.Tensor = tf.scalar(0);
    for (const g of grads.values()) acc = tf.add(acc, tf.sum(tf.square(g)));
    return Math.sqrt(acc.dataSync()[0]);
  });
}

/** BaseTrainer.optimizer_step: clip the summed gradients by their global norm, update, then the EMA. */
function optimizerStep(state: StepState, maxNorm: number): void {
  const { accGrads } = state;
  const norm = Number.isFinite(maxNorm) ? globalNorm(accGrads) : 0;
  const scaleBy = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1; // torch's clip_grad_norm_
  const gmap: Record<string, tf.Tensor> = {};
  for (const [k, g] of accGrads) gmap[k] = scaleBy === 1 ? g : tf.mul(g, scaleBy);
  state.optimizer.apply(gmap);
  if (scaleBy !== 1) Object.values(gmap).forEach((g) => g.dispose());
  accGrads.forEach((g) => g.dispose());
  accGrads.clear();
  state.ema?.update(state.model.namedTensors());
}

/**
 * Runs one step on `batch`. tfjs records the tape during the forward pass, so forward and loss are timed
 * inside `variableGrads` and backward is the rest of that call.
 */
export function trainStep(state: StepState, batch: StepBatch, settings: StepSettings): StepResult {
  const { model } = state;
  const { images, targets } = batch;
  const timed = settings.timed === true;
  const t0 = now();
  let t1 = t0;
  let t2 = t0;
  let items: [number, number, number] = [0, 0, 0];
  const vars = model.trainableVariables();
  const { value, grads } = tf.variableGrads(() => {
    const feats = model.forward(images, true); // per level [B, H/s, W/s, 64 + nc]
    if (timed) settle(feats[feats.length - 1]);
    t1 = now();
    if (settings.loss === 'surrogate') {
      const l = tf.addN(feats.map((f) => tf.mean(tf.square(f)))) as tf.Scalar;
      t2 = now();
      return l;
    }
    const imgsz: [number, number] = [images.shape[1], images.shape[2]];
    const r = detectionLoss(feats, targets, { imgsz, nc: model.nc, strides: model.strides, hyp: settings.hyp });
    items = r.items;
    t2 = now();
    return r.loss;
  }, vars);
  if (timed) settle(grads[Object.keys(grads)[0]]);
  const t3 = now();
  const loss = value.dataSync()[0];
  value.dispose();
  if (!Number.isFinite(loss)) {
    // What was summed so far went into the same weights that now give a NaN: none of it is applied.
    Object.values(grads).forEach((g) => g.dispose());
    state.accGrads.forEach((g) => g.dispose());
    state.accGrads.clear();
    return { loss, items, stepped: false };
  }
  accumulateGrads(state.accGrads, grads, (vn) => {
    const k = state.varKey.get(vn);
    if (k === undefined) throw new Error(`trainStep: gradient for unknown variable ${vn}`);
    return k;
  });
  const stepped = settings.ni - state.lastOptStep >= settings.accumulate;
  if (stepped) {
    optimizerStep(state, settings.maxNorm ?? 10);
    state.lastOptStep = settings.ni;
  }
  if (!timed) return { loss, items, stepped };
  settle(vars[0]);
  const t4 = now();
  return { loss, items, stepped, times: { forward: t1 - t0, loss: t2 - t1, backward: t3 - t2, optimizer: t4 - t3, total: t4 - t0 } };
}
