import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from './addon';
import { outShape, symmetric } from './geometry';
import { runWithLazyGrads } from './kernel-func';
import { inputGrads } from './input-parts';
import { adopt, f32, size, uninit } from './memory';

/** Conv with bias on oneDNN (the Detect head's last 1x1 convs); bias gradient from backward-weights. */
export function conv2dBiasNative(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, stride: number, pad: number): tf.Tensor4D {
  const addon = loadAddon();
  const g = symmetric(x.shape, w.shape, stride, pad, 1);
  const yShape = outShape(g);
  return runWithLazyGrads<tf.Tensor4D>(
    { x0: x, w, b },
    (save) => {
      const y = uninit(size(yShape));
      addon.convForward(g, f32(x), f32(w), f32(b), 0, true, y);
      save([x, w]);
      return adopt(y, yShape);
    },
    (dy, saved) => {
      const [sx, sw] = saved;
      const dyv = f32(dy);
      const dw = uninit(size(sw.shape));
      const db = uninit(yShape[3]);
      addon.convBackwardWeights(g, f32(sx), dyv, dw, db);
      return { ...inputGrads([x], g, dyv, f32(sw)), w: () => adopt(dw, sw.shape), b: () => adopt(db, [yShape[3]]) };
    },
  );
}
