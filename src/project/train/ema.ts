import * as tf from '@tensorflow/tfjs-core';
import { trainKernels } from '../backend/train-kernels';
import type { YoloModel } from '../model/yolo';

/**
 * Exponential moving average of every floating-point tensor of the model (weights and BN running
 * statistics), as ultralytics' ModelEMA: d = decay * (1 - exp(-updates / tau)); ema = d*ema + (1-d)*model.
 * Validation and checkpoints use the EMA.
 */
export class ModelEma {
  readonly decay: number;
  readonly tau: number;
  updates: number;
  readonly shadow = new Map<string, tf.Variable>();

  constructor(named: Map<string, tf.Variable>, opts: { decay?: number; tau?: number; updates?: number } = {}) {
    this.decay = opts.decay ?? 0.9999;
    this.tau = opts.tau ?? 2000;
    this.updates = opts.updates ?? 0;
    for (const [k, v] of named) this.shadow.set(k, tf.variable(v.clone(), false, undefined, v.dtype));
  }

  currentDecay(): number {
    return this.decay * (1 - Math.exp(-this.updates / this.tau));
  }

  /** On the native engine each tensor takes one in-place native pass; elsewhere (or `fused: false`) tfjs ops. */
  update(named: Map<string, tf.Variable>, opts: { fused?: boolean } = {}): void {
    const kernels = trainKernels();
    const fused = opts.fused !== false && kernels.fusedStepAvailable();
    this.updates += 1;
    const d = this.currentDecay();
    for (const [k, e] of this.shadow) {
      const v = named.get(k);
      if (!v) throw new Error(`EMA: model has no tensor named ${k}`);
      if (v.dtype !== 'float32') continue;
      if (fused) kernels.fusedEmaUpdate(e, v, d);
      else tf.tidy(() => e.assign(tf.add(tf.mul(e, d), tf.mul(v, 1 - d))));
    }
  }

  /** Copies the EMA values into the given variables (e.g. an evaluation copy of the model). */
  copyTo(named: Map<string, tf.Variable>): void {
    for (const [k, e] of this.shadow) named.get(k)?.assign(e);
  }

  dispose(): void {
    for (const v of this.shadow.values()) v.dispose();
    this.shadow.clear();
  }
}

/** Runs `fn` with the EMA weights in the model (ultralytics validates the EMA), then puts the training weights back. */
export async function withEma<T>(model: YoloModel, ema: ModelEma, fn: () => Promise<T>): Promise<T> {
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
