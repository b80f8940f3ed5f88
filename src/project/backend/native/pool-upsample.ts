import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from './addon';
import { runWithLazyGrads } from './kernel-func';
import { adopt, f32, uninit } from './memory';

/**
 * SPPF's max-pool and the neck's nearest 2x upsample as native ops with native gradients (NHWC).
 * The pool remembers where each maximum came from and routes the gradient there, choosing among
 * tied maxima exactly as the separable reference (`maxPoolSameSeparable`) does.
 */
export function maxPoolSameNative(x: tf.Tensor4D, k: number): tf.Tensor4D {
  if (k < 1 || k % 2 === 0) throw new Error(`maxPoolSame: k must be odd, got ${k}`);
  const [n, h, w, c] = x.shape;
  const addon = loadAddon();
  const arg = new Int32Array(n * h * w * c);
  return runWithLazyGrads<tf.Tensor4D>(
    { x },
    () => {
      const y = uninit(arg.length);
      addon.maxPoolSame(n, h, w, c, k, f32(x), y, arg);
      return adopt(y, x.shape);
    },
    (dy) => ({
      x: () => {
        const dx = uninit(arg.length);
        addon.maxPoolSameBackward(n, h, w, c, f32(dy), arg, dx);
        return adopt(dx, x.shape);
      },
    }),
  );
}

export function upsample2xNative(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const addon = loadAddon();
  return runWithLazyGrads<tf.Tensor4D>(
    { x },
    () => {
      const y = uninit(4 * n * h * w * c);
      addon.upsample2x(n, h, w, c, f32(x), y);
      return adopt(y, [n, 2 * h, 2 * w, c]);
    },
    (dy) => ({
      x: () => {
        const dx = uninit(n * h * w * c);
        addon.upsample2xBackward(n, h, w, c, f32(dy), dx);
        return adopt(dx, x.shape);
      },
    }),
  );
}
