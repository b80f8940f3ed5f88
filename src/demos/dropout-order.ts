import * as tf from '@tensorflow/tfjs-core';
import { gaussian, mulberry32 } from '../project/random';

/**
 * Dropout answer 2: dropout before or after the activation, with the same mask m and scale c = 1/(1−p).
 * ReLU is positively homogeneous with ReLU(0) = 0, so ReLU(c·m·x) = c·m·ReLU(x) element by element;
 * sigmoid is not (σ(0) = ½, and c passes through σ), so the two orders differ. Both orders run through
 * TF.js's own tf.dropout (one seed, so one mask) and activations; the identity is measured, not assumed.
 */

export type OrderActivation = 'relu' | 'sigmoid';

/** Inverted dropout; the same seed must give the same mask. Injectable so a test can break that. */
export type DropoutFn = (x: tf.Tensor, p: number, seed: number) => tf.Tensor;

export const tfDropout: DropoutFn = (x, p, seed) => tf.dropout(x, p, undefined, seed);

const ACT: Record<OrderActivation, (x: tf.Tensor) => tf.Tensor> = { relu: tf.relu, sigmoid: tf.sigmoid };

export interface DropoutOrder {
  activation: OrderActivation;
  p: number;
  /** Mean of act(x) (eval mode: no dropout). */
  eval: number;
  /** Mean of dropout(act(x)). */
  after: number;
  /** Mean of act(dropout(x)). */
  before: number;
  /** max_i |act(dropout(x))_i − dropout(act(x))_i|: 0 when the order does not matter. */
  maxDiff: number;
}

export interface DropoutOrderOptions {
  p?: number;
  /** x ~ N(mu, 1). */
  mu?: number;
  n?: number;
  seed?: number;
  dropout?: DropoutFn;
}

export function dropoutOrder(activation: OrderActivation, o: DropoutOrderOptions = {}): DropoutOrder {
  const p = o.p ?? 0.3;
  const mu = o.mu ?? 1;
  const n = o.n ?? 1_000_000;
  const seed = o.seed ?? 0;
  const drop = o.dropout ?? tfDropout;
  const act = ACT[activation];
  const normal = gaussian(mulberry32(seed));
  const xs = Float32Array.from({ length: n }, () => mu + normal());
  return tf.tidy(() => {
    const x = tf.tensor1d(xs);
    const ev = act(x);
    const after = drop(ev, p, seed + 1);
    const before = act(drop(x, p, seed + 1));
    const mean = (t: tf.Tensor): number => tf.mean(t).dataSync()[0];
    return { activation, p, eval: mean(ev), after: mean(after), before: mean(before), maxDiff: tf.max(tf.abs(tf.sub(before, after))).dataSync()[0] };
  });
}
