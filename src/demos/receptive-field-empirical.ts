import * as tf from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../project/backend/ops';
import { mulberry32 } from '../project/random';
import { RfLayer } from './receptive-field';

/**
 * Empirical receptive field: build the layer list in TF.js (NHWC, HWIO kernels), backpropagate from
 * one output pixel (summed over channels) and find where the input gradient is non-zero.
 *
 * Max-pools route the gradient to one input per window, so one input shows only part of the RF.
 * Two remedies: positive constant weights with average pools (`pool: 'avg'`), where no gradient
 * can cancel; or the real max-pools with the union over several random inputs.
 */

export interface EmpiricalRf {
  /** NHWC shape of the network output. */
  outputShape: number[];
  rows: [number, number];
  cols: [number, number];
  /** Number of input pixels with a non-zero gradient. */
  pixels: number;
  /** True when every pixel of the rows×cols box is non-zero (no holes). */
  solid: boolean;
}

export interface EmpiricalOptions {
  inputSize: number;
  channels?: number;
  /** 'avg': avg-pools and one input; 'max': the real max-pools, union over `trials` random inputs. */
  pool?: 'avg' | 'max';
  trials?: number;
  seed?: number;
  /**
   * Measure on a copy of the network with one channel per layer (default true). With positive
   * weights every channel depends on exactly the same inputs, so the support is identical, and it
   * is ~100× cheaper; the output shape is still taken from the full-width network.
   */
  oneChannel?: boolean;
}

/** HWIO kernel with d−1 zero rows/columns between taps: conv with it equals the dilated conv. */
export function dilateKernel(values: Float32Array, k: number, cin: number, cout: number, d: number): tf.Tensor4D {
  const kh = d * (k - 1) + 1;
  const out = new Float32Array(kh * kh * cin * cout);
  const block = cin * cout;
  for (let y = 0; y < k; y++) {
    for (let x = 0; x < k; x++) {
      out.set(values.subarray((y * k + x) * block, (y * k + x + 1) * block), (y * d * kh + x * d) * block);
    }
  }
  return tf.tensor4d(out, [kh, kh, cin, cout]);
}

function buildForward(layers: RfLayer[], inChannels: number, randomWeights: boolean, rand: () => number): (x: tf.Tensor4D) => tf.Tensor4D {
  let c = inChannels;
  const steps: ((x: tf.Tensor4D) => tf.Tensor4D)[] = [];
  for (const l of layers) {
    if (l.type === 'conv') {
      const filters = l.filters ?? c;
      const size = l.kernel * l.kernel * c * filters;
      // Positive weights: contributions can never cancel, so "gradient ≠ 0" means "depends on".
      const values = randomWeights ? Float32Array.from({ length: size }, () => 0.5 + rand()) : new Float32Array(size).fill(1 / (l.kernel * l.kernel * c));
      const p = l.padding ?? 0;
      const s = l.stride ?? 1;
      const d = l.dilation ?? 1;
      // tfjs has no gradient for dilated conv2d, so the kernel is dilated explicitly (zeros between
      // the taps): the same function, and the zero taps give exactly zero gradient, so holes stay visible.
      const kernel = dilateKernel(values, l.kernel, c, filters, d); // HWIO [k̂, k̂, c, filters]
      // Explicit padding: with dilation 2, 'same' would pad 6 and give 128 instead of PyTorch's 122.
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p, p], [p, p], [0, 0]];
      steps.push((x) => tf.conv2d(x, kernel, s, pad as unknown as 'valid', 'NHWC'));
      c = filters;
    } else if (l.type === 'maxpool' || l.type === 'avgpool') {
      const s = l.stride ?? l.kernel;
      const p = l.padding ?? 0;
      const pool = l.type;
      steps.push((x) => {
        const padded = p > 0 ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
        return pool === 'maxpool' ? tf.maxPool(padded, l.kernel, s, 'valid') : tf.avgPool(padded, l.kernel, s, 'valid');
      });
    } else {
      // ReLU would zero the gradient wherever an activation is ≤ 0; with positive weights and
      // inputs it is the identity, so it is kept.
      steps.push((x) => tf.relu(x));
    }
  }
  return (x) => steps.reduce((h, f) => f(h), x);
}

/**
 * Output shape (NHWC) of the full-width layer list in TF.js for a 1×size×size×channels input, using
 * TF.js's own dilated conv2d with explicit padding (forward only, so no gradient is needed).
 */
export function tfOutputShape(layers: RfLayer[], inputSize: number, channels = 3): number[] {
  return tf.tidy(() => {
    let x = tf.zeros([1, inputSize, inputSize, channels]) as tf.Tensor4D;
    let c = channels;
    for (const l of layers) {
      if (l.type === 'conv') {
        const p = l.padding ?? 0;
        const filters = l.filters ?? c;
        const pad = [[0, 0], [p, p], [p, p], [0, 0]] as unknown as 'valid';
        x = tf.conv2d(x, tf.zeros([l.kernel, l.kernel, c, filters]) as tf.Tensor4D, l.stride ?? 1, pad, 'NHWC', l.dilation ?? 1);
        c = filters;
      } else if (l.type !== 'activation') {
        const p = l.padding ?? 0;
        const padded = p > 0 ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
        x = l.type === 'maxpool' ? tf.maxPool(padded, l.kernel, l.stride ?? l.kernel, 'valid') : tf.avgPool(padded, l.kernel, l.stride ?? l.kernel, 'valid');
      }
    }
    return x.shape;
  });
}

/** Measures the RF of output pixel (row, col) empirically. */
export function empiricalReceptiveField(layers: RfLayer[], row: number, col: number, opts: EmpiricalOptions): EmpiricalRf {
  ensureGradientsRegistered();
  const channels = opts.channels ?? 3;
  const pool = opts.pool ?? 'avg';
  const trials = pool === 'max' ? opts.trials ?? 16 : 1;
  const rand = mulberry32(opts.seed ?? 0);
  const oneChannel = opts.oneChannel ?? true;
  const pooled = pool === 'avg' ? layers.map((l): RfLayer => (l.type === 'maxpool' ? { ...l, type: 'avgpool' } : l)) : layers;
  const net = oneChannel ? pooled.map((l): RfLayer => (l.type === 'conv' ? { ...l, filters: 1 } : l)) : pooled;
  const inChannels = oneChannel ? 1 : channels;
  const size = opts.inputSize;
  const hit = new Uint8Array(size * size);
  const outputShape = tfOutputShape(layers, size, channels);
  for (let t = 0; t < trials; t++) {
    const g = tf.tidy(() => {
      const fwd = buildForward(net, inChannels, pool === 'max', rand);
      const xValues = pool === 'max' ? Float32Array.from({ length: size * size * inChannels }, () => rand()) : new Float32Array(size * size * inChannels).fill(1);
      const x = tf.tensor4d(xValues, [1, size, size, inChannels]);
      const grad = tf.grad((inp: tf.Tensor) => {
        const y = fwd(inp as tf.Tensor4D);
        if (row >= y.shape[1] || col >= y.shape[2]) throw new Error(`output pixel (${row}, ${col}) is outside the ${y.shape[1]}×${y.shape[2]} output`);
        return tf.sum(tf.slice(y, [0, row, col, 0], [1, 1, 1, -1]));
      })(x);
      return tf.sum(tf.abs(grad), 3); // [1, H, W]
    });
    const v = g.dataSync();
    g.dispose();
    for (let i = 0; i < v.length; i++) if (v[i] > 0) hit[i] = 1;
  }
  let r0 = size;
  let r1 = -1;
  let c0 = size;
  let c1 = -1;
  let pixels = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      if (!hit[i * size + j]) continue;
      pixels++;
      r0 = Math.min(r0, i);
      r1 = Math.max(r1, i);
      c0 = Math.min(c0, j);
      c1 = Math.max(c1, j);
    }
  }
  const solid = pixels > 0 && pixels === (r1 - r0 + 1) * (c1 - c0 + 1);
  return { outputShape, rows: [r0, r1], cols: [c0, c1], pixels, solid };
}
