import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from './addon';
import { NATIVE_BACKEND } from './kernels';
import { f32, ownArray } from './memory';

/**
 * The optimizer step as one native call per parameter, on the tensors' memory in place: the parameter
 * and its moment buffers are updated where the backend keeps them, so no tfjs op, intermediate
 * tensor or fresh array is made. Only on the `native` backend; the caller keeps a plain-tfjs path.
 */
export type FusedKind = 'SGD' | 'Adam' | 'AdamW';

/** SGD: lr, momentum, wd, first step. Adam/AdamW: the AdamHyper scalars of native/taco_native.h. */
export type FusedHyper = number[];

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
  const vars = [p, ...slots];
  const arrays = vars.map((v) => ownArray(v) ?? Float32Array.from(f32(v)));
  const g = f32(grad);
  const addon = loadAddon();
  addon.optimizerStep(kind === 'SGD' ? 0 : kind === 'Adam' ? 1 : 2, arrays[0], g, arrays[1], kind === 'SGD' ? null : arrays[2], hyper);
  vars.forEach((v, i) => {
    if (ownArray(v) === arrays[i]) return;
    // tf.tensor adopts the Float32Array on the cpu-derived backend; the variable then holds the only reference.
    const t = tf.tensor(arrays[i], v.shape, 'float32');
    v.assign(t);
    t.dispose();
  });
}

/**
 * The model EMA update e = d*e + (1-d)*v as one native pass, in place on e's array (re-pointed at a
 * private copy first when e shares its data, e.g. right after `tf.variable(v.clone())`).
 */
export function fusedEmaUpdate(e: tf.Variable, v: tf.Tensor, d: number): void {
  if (e.size !== v.size) throw new Error(`EMA: ${e.name} has ${e.size} values, the model tensor ${v.size}`);
  const own = ownArray(e);
  const arr = own ?? Float32Array.from(f32(e));
  loadAddon().emaUpdate(arr, f32(v), d);
  if (own) return;
  const t = tf.tensor(arr, e.shape, 'float32');
  e.assign(t);
  t.dispose();
}
