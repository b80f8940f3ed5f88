import * as tf from '@tensorflow/tfjs-core';
import type { ConvBnAct } from '../ops';
import { loadAddon } from './addon';
import { outShape, symmetric } from './geometry';
import { concatInput } from './input-parts';
import { adopt, f32, inPlaceWrites, size, uninit } from './memory';

/**
 * Conv + BatchNorm + SiLU inference on oneDNN: BN with running statistics folded into the kernel
 * (w' = w * gamma / sqrt(var + eps)) and a bias (beta - mean * gamma / sqrt(var + eps)), then one conv with
 * SiLU as a post-op. Same as `referenceOps.convBnAct` outside training.
 */

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
export function convBnActEval(xs: tf.Tensor4D[], p: ConvBnAct): tf.Tensor4D {
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
