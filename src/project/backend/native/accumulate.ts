import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from './addon';
import { NATIVE_BACKEND } from './kernels';
import { f32, ownArray } from './memory';

/**
 * acc += g in place on the native backend when acc owns its array (a gradient the caller holds alone),
 * as one native call: no tfjs op, no new tensor. Returns false where it cannot (another backend, a shared
 * array), and the caller adds with tfjs instead.
 */
export function addInPlace(acc: tf.Tensor, g: tf.Tensor): boolean {
  if (tf.getBackend() !== NATIVE_BACKEND || acc.dtype !== 'float32' || g.dtype !== 'float32' || acc.size !== g.size) return false;
  const a = ownArray(acc);
  if (!a) return false;
  loadAddon().addInto(a, f32(g), a);
  return true;
}
