import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from './addon';
import { ConvGeometry } from './geometry';
import { LazyGrads } from './kernel-func';
import { adopt, f32, release, size, uninit } from './memory';

/**
 * A conv input given as a list of parts (YOLOv8's C2f and concat blocks feed convs that way): the parts
 * are concatenated along channels once in native code, and the input gradient, one oneDNN backward-data
 * conv, is split back into the parts' shapes lazily, on first use (tfjs's Concat gradient, fused).
 */

/** The channel concat of `xs` as one tensor (the input itself when there is one). */
export function concatInput(xs: tf.Tensor4D[]): tf.Tensor4D {
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
export function splitInputGrads(xs: tf.Tensor4D[], full: () => Float32Array): LazyGrads {
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
