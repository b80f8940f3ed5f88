import * as tf from '@tensorflow/tfjs-core';
import type { ConvBnAct } from '../ops';
import { loadAddon } from './addon';
import { ConvGeometry, outShape, symmetric } from './geometry';
import { LazyGrads, runWithLazyGrads } from './kernel-func';
import { adopt, f32, inPlaceWrites, release, size, uninit, updateInPlace } from './memory';

/**
 * Conv + BatchNorm + SiLU on oneDNN. Training: oneDNN conv into z, then one fused BN+SiLU pass
 * (batch statistics) in the addon; the backward is the fused BN+SiLU gradient, then oneDNN's
 * backward-weights and (only when needed) backward-data. Inference folds BN into the kernel and a
 * bias and runs one conv with SiLU as a post-op. A list input is concatenated once in native code.
 * Semantics equal `referenceOps.convBnAct`, running-statistics update included.
 */

/** The channel concat of `xs` as one tensor (the input itself when there is one). */
function concatInput(xs: tf.Tensor4D[]): tf.Tensor4D {
  if (xs.length === 1) return xs[0];
  const [n, h, w] = xs[0].shape;
  for (const x of xs) {
    if (x.shape[0] !== n || x.shape[1] !== h || x.shape[2] !== w) throw new Error(`convBnAct: input parts differ in size: [${x.shape}] vs [${xs[0].shape}]`);
  }
  const c = xs.reduce((a, x) => a + x.shape[3], 0);
  const out = uninit(n * h * w * c);
  loadAddon().concatChannels(n * h * w, xs.map(f32), out);
  return adopt(out, [n, h, w, c]);
}

/** The gradient of a concatenated input, split back into the parts' shapes. */
function splitGrad(dX: Float32Array, xs: tf.Tensor4D[]): Float32Array[] {
  const [n, h, w] = xs[0].shape;
  const outs = xs.map((x) => uninit(size(x.shape)));
  loadAddon().splitChannels(n * h * w, dX, outs);
  return outs;
}

/**
 * Lazy input gradients: one backward-data conv shared by all parts, computed on first use.
 * `dzUsed` is called once `dz` has been read (the caller may then recycle it).
 */
export function inputGrads(xs: tf.Tensor4D[], g: ConvGeometry, dz: Float32Array, w: Float32Array, dzUsed?: () => void): LazyGrads {
  return splitInputGrads(xs, () => {
    const dX = uninit(g[0] * g[1] * g[2] * g[3]);
    loadAddon().convBackwardData(g, dz, w, dX);
    dzUsed?.();
    return dX;
  });
}

/** The gradient of a (concatenated) input, made by `full` on first use, as lazy per-part gradients. */
function splitInputGrads(xs: tf.Tensor4D[], full: () => Float32Array): LazyGrads {
  let parts: Float32Array[] | undefined;
  const grads: LazyGrads = {};
  xs.forEach((x, i) => {
    grads[`x${i}`] = () => {
      if (!parts) {
        const dX = full();
        parts = xs.length === 1 ? [dX] : splitGrad(dX, xs);
        if (xs.length > 1) release(dX);
      }
      return adopt(parts[i], x.shape);
    };
  });
  return grads;
}

/**
 * Geometries whose two backward passes run in one native call: those on Winograd, where both passes
 * reorder dy into a blocked layout and the combined call does that once. The input gradient is then
 * computed eagerly; in YOLOv8 these convolutions (32+ channels, deep in the network) always need it.
 */
const eagerBackward = new Map<string, boolean>();
function backwardTogether(g: ConvGeometry): boolean {
  const key = g.join(',');
  let v = eagerBackward.get(key);
  if (v === undefined) {
    v = /wino/.test(loadAddon().convImpl(g, 'd'));
    eagerBackward.set(key, v);
  }
  return v;
}

/** PyTorch's running-statistics update, in place where the variables own their arrays (one loop, no tensors). */
function updateRunningStats(p: ConvBnAct, mean: Float32Array, variance: Float32Array, m: number): void {
  const unbias = m / Math.max(m - 1, 1);
  updateInPlace([p.runningMean, p.runningVar], ([rm, rv]) => {
    for (let j = 0; j < mean.length; j++) {
      rm[j] = (1 - p.momentum) * rm[j] + p.momentum * mean[j];
      rv[j] = (1 - p.momentum) * rv[j] + p.momentum * variance[j] * unbias;
    }
  });
}

/** Each block's last backward scratch not yet given back (see convBnActTrain's backward). */
const pendingScratch = new WeakMap<ConvBnAct, () => void>();

/**
 * Frees still pending when the current task ends. One microtask serves them all: a microtask per free
 * would pile up, with everything its closure holds, in loops that never yield (benchmarks, tests).
 */
const endOfTask = new Set<() => void>();
let endOfTaskQueued = false;
function freeAtEndOfTask(free: () => void): void {
  endOfTask.add(free);
  if (endOfTaskQueued) return;
  endOfTaskQueued = true;
  queueMicrotask(() => {
    endOfTaskQueued = false;
    const frees = [...endOfTask];
    endOfTask.clear();
    frees.forEach((f) => f());
  });
}

function convBnActTrain(xs: tf.Tensor4D[], p: ConvBnAct): tf.Tensor4D {
  const addon = loadAddon();
  const inputs: Record<string, tf.Tensor> = {};
  xs.forEach((x, i) => (inputs[`x${i}`] = x));
  Object.assign(inputs, { w: p.w, gamma: p.gamma, beta: p.beta });
  const cin = xs.reduce((a, x) => a + x.shape[3], 0);
  const g = symmetric([xs[0].shape[0], xs[0].shape[1], xs[0].shape[2], cin], p.w.shape, p.stride, p.pad, p.dilation);
  const yShape = outShape(g);
  const m = yShape[0] * yShape[1] * yShape[2];
  const c = yShape[3];
  pendingScratch.get(p)?.();
  // Only the input goes through tfjs' save (each saved tensor costs an Identity kernel: 7 per block were 399
  // of a yolov8n step's ~600 kernels). The kernel, gamma and beta are read from the block's variables (no
  // update happens between a step's forward and backward), and the forward's own arrays stay in this
  // closure: z goes back to the pool once the backward has read it (or to the collector if none runs).
  let z: Float32Array | undefined;
  let mean: Float32Array | undefined;
  let invstd: Float32Array | undefined;
  return runWithLazyGrads<tf.Tensor4D>(
    inputs,
    (save) => {
      const X = concatInput(xs);
      z = uninit(m * c);
      addon.convForward(g, f32(X), f32(p.w), null, 0, true, z);
      const y = uninit(m * c);
      mean = uninit(c);
      const variance = uninit(c);
      invstd = uninit(c);
      addon.bnActForwardTrain(m, c, z, f32(p.gamma), f32(p.beta), p.eps, p.act ? 1 : 0, y, mean, variance, invstd);
      updateRunningStats(p, mean, variance, m);
      save([X]);
      return adopt(y, yShape);
    },
    (dy, saved) => {
      const [X] = saved;
      const w = p.w;
      if (!z || !mean || !invstd) throw new Error('convBnAct: backward without its forward');
      const dz = uninit(m * c);
      const dgamma = uninit(c);
      const dbeta = uninit(c);
      addon.bnActBackward(m, c, f32(dy), z, f32(p.gamma), f32(p.beta), mean, invstd, p.act ? 1 : 0, dz, dgamma, dbeta);
      release(z);
      z = undefined;
      const dw = uninit(size(w.shape));
      if (backwardTogether(g)) {
        const dX = uninit(g[0] * g[1] * g[2] * g[3]);
        addon.convBackward(g, f32(X), dz, f32(w), dX, dw, null);
        release(dz);
        return {
          ...splitInputGrads(xs, () => dX),
          w: () => adopt(dw, w.shape),
          gamma: () => adopt(dgamma, [c]),
          beta: () => adopt(dbeta, [c]),
        };
      }
      addon.convBackwardWeights(g, f32(X), dz, dw, null);
      // dz is scratch: back to the pool once the input gradient has read it or, when nobody asks for
      // that gradient (the first layer), once the backward pass is surely over: at the end of this
      // task, or at this block's next forward, whichever comes first (steps may run back to back
      // synchronously).
      let dzFree = false;
      const freeDz = () => {
        if (dzFree) return;
        dzFree = true;
        endOfTask.delete(freeDz);
        release(dz);
      };
      freeAtEndOfTask(freeDz);
      pendingScratch.set(p, freeDz);
      return {
        ...inputGrads(xs, g, dz, f32(w), freeDz),
        w: () => adopt(dw, w.shape),
        gamma: () => adopt(dgamma, [c]),
        beta: () => adopt(dbeta, [c]),
      };
    },
  );
}

interface Folded { ids: object[]; generation: number; w: Float32Array; bias: Float32Array }
/**
 * Folded kernels per block, reused while its variables hold the same data: `Variable.assign` gives a
 * variable a new dataId, so comparing the five dataIds detects reassignment (training on other engines,
 * weight loading, the EMA swapped in for validation), and the in-place write count detects updates that
 * keep the dataId (the native optimizer, EMA and running statistics).
 */
const foldCache = new WeakMap<ConvBnAct, Folded>();

function folded(p: ConvBnAct): Folded {
  const ids = [p.w, p.gamma, p.beta, p.runningMean, p.runningVar].map((v) => v.dataId as object);
  const generation = inPlaceWrites();
  const hit = foldCache.get(p);
  if (hit && hit.generation === generation && hit.ids.every((id, i) => id === ids[i])) return hit;
  const w = f32(p.w);
  const [kh, kw, ci, co] = p.w.shape;
  const gamma = f32(p.gamma);
  const beta = f32(p.beta);
  const rm = f32(p.runningMean);
  const rv = f32(p.runningVar);
  const scale = uninit(co);
  const bias = uninit(co);
  for (let j = 0; j < co; j++) {
    scale[j] = gamma[j] / Math.sqrt(rv[j] + p.eps);
    bias[j] = beta[j] - rm[j] * scale[j];
  }
  const wf = uninit(w.length);
  for (let i = 0; i < kh * kw * ci; i++) for (let j = 0; j < co; j++) wf[i * co + j] = w[i * co + j] * scale[j];
  const f = { ids, generation, w: wf, bias };
  foldCache.set(p, f);
  return f;
}

/** Inference: BN folded into the kernel (per output channel) and a bias; SiLU fused as a oneDNN post-op. */
function convBnActEval(xs: tf.Tensor4D[], p: ConvBnAct): tf.Tensor4D {
  const addon = loadAddon();
  const { w, bias } = folded(p);
  return tf.tidy(() => {
    const X = concatInput(xs);
    const g = symmetric(X.shape, p.w.shape, p.stride, p.pad, p.dilation);
    const y = uninit(size(outShape(g)));
    addon.convForward(g, f32(X), w, bias, p.act ? 1 : 0, false, y);
    return adopt<tf.Rank.R4>(y, outShape(g));
  });
}

export function convBnActNative(x: tf.Tensor4D | tf.Tensor4D[], p: ConvBnAct, training: boolean): tf.Tensor4D {
  const xs = Array.isArray(x) ? x : [x];
  return training ? convBnActTrain(xs, p) : convBnActEval(xs, p);
}
