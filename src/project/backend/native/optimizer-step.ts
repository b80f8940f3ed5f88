import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from './addon';
import { NATIVE_BACKEND } from './kernels';
import type { FusedHyper, FusedKind } from '../train-kernels';
import { f32, updateInPlace } from './memory';

/**
 * The optimizer step as one native call per parameter, on the tensors' memory in place: the parameter
 * and its moment buffers are updated where the backend keeps them, so no tfjs op, intermediate
 * tensor or fresh array is made. Only on the `native` backend; the caller keeps a plain-tfjs path.
 * The trainer reaches these through the train-kernels seam (backend/train-kernels.ts; loader.ts installs them).
 */
export type { FusedHyper, FusedKind } from '../train-kernels';

/** Whether the fused step can run now: the native backend is active and the addon loads. */
export function fusedStepAvailable(): boolean {
  if (tf.getBackend() !== NATIVE_BACKEND) return false;
  try {
    loadAddon();
    return true;
  } catch {
    return false;
  }
}

/**
 * Updates p and its slots (SGD: [momentum buffer]; Adam: [m, v]) from grad in one native call.
 * Shared arrays are copied first and the variables re-pointed at the copies (which they then own alone,
 * so the next step runs in place).
 */
export function fusedStep(kind: FusedKind, p: tf.Variable, slots: tf.Variable[], grad: tf.Tensor, hyper: FusedHyper): void {
  if (grad.size !== p.size) throw new Error(`optimizer: gradient has ${grad.size} values, parameter ${p.name} has ${p.size}`);
  const g = f32(grad);
  const addon = loadAddon();
  updateInPlace([p, ...slots], ([pa, m, v]) =>
    addon.optimizerStep(kind === 'SGD' ? 0 : kind === 'Adam' ? 1 : 2, pa, g, m, kind === 'SGD' ? null : v, hyper),
  );
}

/**
 * The model EMA update e = d*e + (1-d)*v as one native pass, in place on e's array (re-pointed at a
 * private copy first when e shares its data, e.g. right after `tf.variable(v.clone())`).
 */
export function fusedEmaUpdate(e: tf.Variable, v: tf.Tensor, d: number): void {
  if (e.size !== v.size) throw new Error(`EMA: ${e.name} has ${e.size} values, the model tensor ${v.size}`);
  const va = f32(v);
  updateInPlace([e], ([ea]) => loadAddon().emaUpdate(ea, va, d));
}
