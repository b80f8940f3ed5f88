import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../project/backend/ops';
import { gaussian, mulberry32 } from '../project/random';

/**
 * Sequence answer 3: truncated backpropagation through time, measured.
 *
 * A tanh RNN h_t = tanh(W h_{t−1} + u x_t + b), h_{−1} = 0, output y = v·h_{T−1}, unrolled over T steps.
 * TBPTT with chunk length S carries h across chunk boundaries (the forward pass is the full one) but
 * detaches it there, so backpropagation from y stops at the start of the last chunk:
 *   ∂y/∂x_t (TBPTT) = 0 for t < S·⌊(T−1)/S⌋, and equals full BPTT's gradient from there on,
 * while y itself still depends on every x_t (a finite difference of the forward pass shows it).
 */

export interface Rnn {
  hidden: number;
  /** [hidden, hidden], row-major. */
  w: Float64Array;
  u: Float64Array;
  b: Float64Array;
  v: Float64Array;
}

/**
 * PyTorch's nn.RNN initialisation: every weight U(±1/√hidden); seeded, so every run is the same. The
 * weights are rounded to float32, so the TF.js and the float64 forward passes use the very same ones.
 */
export function makeRnn(hidden = 16, seed = 0): Rnn {
  const rand = mulberry32(seed);
  const k = 1 / Math.sqrt(hidden);
  const uni = (n: number): Float64Array => Float64Array.from({ length: n }, () => Math.fround((2 * rand() - 1) * k));
  return { hidden, w: uni(hidden * hidden), u: uni(hidden), b: uni(hidden), v: uni(hidden) };
}

/** What happens to the carried state at a chunk boundary. Injectable, so a test can plant a wrong truncation. */
export type Detach = (h: tf.Tensor) => tf.Tensor;

/** h.detach(): the value passes, the gradient is cut (zero). */
const cut = (h: tf.Tensor) => ({ value: tf.clone(h), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) });
export const stopGradient: Detach = tf.customGrad(cut as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as Detach;

export interface UnrollOptions {
  /** Chunk length; undefined = one chunk (full BPTT). */
  chunk?: number;
  detach?: Detach;
  /** Start every chunk from h = 0 instead of carrying the state (the mistake answer 3.2 warns about). */
  resetState?: boolean;
}

const isBoundary = (t: number, chunk: number | undefined): boolean => chunk !== undefined && t > 0 && t % chunk === 0;

/** y for inputs x (one scalar per step), in TF.js, so tf.grad can differentiate it. */
export function rnnOutputTf(rnn: Rnn, x: tf.Tensor, o: UnrollOptions = {}): tf.Tensor {
  const H = rnn.hidden;
  const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);
  const W = tf.tensor2d(f32(rnn.w), [H, H]);
  const u = tf.tensor1d(f32(rnn.u));
  const b = tf.tensor1d(f32(rnn.b));
  let h: tf.Tensor = tf.zeros([H]);
  for (let t = 0; t < x.shape[0]; t++) {
    if (isBoundary(t, o.chunk)) h = o.resetState ? tf.zeros([H]) : (o.detach ?? stopGradient)(h);
    const wh = tf.reshape(tf.matMul(W, tf.reshape(h, [H, 1])), [H]);
    h = tf.tanh(tf.add(tf.add(wh, tf.mul(u, tf.slice(x, [t], [1]))), b));
  }
  return tf.sum(tf.mul(tf.tensor1d(f32(rnn.v)), h));
}

/** The same forward pass in float64 JS (detaching changes no value; a reset does). */
export function rnnOutput64(rnn: Rnn, x: ArrayLike<number>, o: UnrollOptions = {}): number {
  const H = rnn.hidden;
  let h = new Float64Array(H);
  for (let t = 0; t < x.length; t++) {
    if (isBoundary(t, o.chunk) && o.resetState) h = new Float64Array(H);
    const next = new Float64Array(H);
    for (let i = 0; i < H; i++) {
      let s = rnn.u[i] * x[t] + rnn.b[i];
      for (let j = 0; j < H; j++) s += rnn.w[i * H + j] * h[j];
      next[i] = Math.tanh(s);
    }
    h = next;
  }
  return h.reduce((s, hi, i) => s + rnn.v[i] * hi, 0);
}

export interface TbpttResult {
  steps: number;
  chunk: number;
  /** First step whose input receives a TBPTT gradient: S·⌊(T−1)/S⌋. */
  firstTrained: number;
  /** ∂y/∂x_t by autodiff through the whole unroll. */
  full: number[];
  /** ∂y/∂x_t by autodiff through the truncated unroll. */
  truncated: number[];
  /** ∂y/∂x_t of the TBPTT forward pass by central finite differences in float64: what y really depends on. */
  forward: number[];
  /** y with and without truncation (carrying the state, the values agree). */
  yFull: number;
  yTruncated: number;
}

export interface TbpttOptions extends Omit<UnrollOptions, 'chunk'> {
  steps?: number;
  chunk?: number;
  hidden?: number;
  seed?: number;
}

export function tbpttGradients(o: TbpttOptions = {}): TbpttResult {
  ensureGradientsRegistered();
  const T = o.steps ?? 20;
  const S = o.chunk ?? 5;
  const rnn = makeRnn(o.hidden ?? 16, o.seed ?? 0);
  const normal = gaussian(mulberry32((o.seed ?? 0) + 1));
  const xs = Float64Array.from({ length: T }, () => Math.fround(normal()));
  const opts: UnrollOptions = { chunk: S, detach: o.detach, resetState: o.resetState };
  const { full, truncated, yFull, yTruncated } = tf.tidy(() => {
    const x = tf.tensor1d(Float32Array.from(xs));
    const g = (u: UnrollOptions): number[] => Array.from(tf.grad((xx: tf.Tensor) => rnnOutputTf(rnn, xx, u))(x).dataSync());
    return { full: g({}), truncated: g(opts), yFull: rnnOutputTf(rnn, x).dataSync()[0], yTruncated: rnnOutputTf(rnn, x, opts).dataSync()[0] };
  });
  const h = 1e-5;
  const forward = Array.from(xs, (_, t) => {
    const plus = xs.slice();
    const minus = xs.slice();
    plus[t] += h;
    minus[t] -= h;
    return (rnnOutput64(rnn, plus, opts) - rnnOutput64(rnn, minus, opts)) / (2 * h);
  });
  return { steps: T, chunk: S, firstTrained: S * Math.floor((T - 1) / S), full, truncated, forward, yFull, yTruncated };
}
