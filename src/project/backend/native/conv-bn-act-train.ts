import * as tf from '@tensorflow/tfjs-core';
import type { ConvBnAct } from '../ops';
import { loadAddon } from './addon';
import { ConvGeometry, outShape, symmetric } from './geometry';
import { concatInput, inputGrads, splitInputGrads } from './input-parts';
import { runWithLazyGrads } from './kernel-func';
import { adopt, f32, release, size, uninit, updateInPlace } from './memory';

/**
 * Conv + BatchNorm + SiLU training step on oneDNN: conv into z, then one fused BN+SiLU pass with batch
 * statistics; the backward is the fused BN+SiLU gradient, then oneDNN's backward-weights and (only when
 * needed) backward-data. Same as `referenceOps.convBnAct` in training, the running-statistics update
 * (PyTorch's BatchNorm2d formula, unbiased variance) included.
 */

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

export function convBnActTrain(xs: tf.Tensor4D[], p: ConvBnAct): tf.Tensor4D {
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
