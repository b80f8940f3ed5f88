import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from './addon';
import { runWithLazyGrads } from './kernel-func';
import { adopt, f32, release, uninit, zeros } from './memory';

/** [m, c] zeros holding dy [m, size] at channels begin..begin+size-1: the gradient of taking those channels. */
function intoChannels(dy: Float32Array, m: number, begin: number, size: number, c: number): Float32Array {
  const rest = c - begin - size;
  const before = begin ? zeros(m * begin) : undefined;
  const after = rest ? zeros(m * rest) : undefined;
  const dx = uninit(m * c);
  loadAddon().concatChannels(m, [before, dy, after].filter((p): p is Float32Array => p !== undefined), dx);
  if (before) release(before);
  if (after) release(after);
  return dx;
}

/**
 * Channel split in native code (the cpu backend's SplitV is a per-element JavaScript loop and was a third
 * of the step). Each part is its own op whose gradient scatters into the full channel range, so
 * parts nobody differentiates cost nothing.
 */
export function splitChannelsNative(x: tf.Tensor4D, sizes: number[]): tf.Tensor4D[] {
  const [n, h, w, c] = x.shape;
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== c) throw new Error(`splitChannels: sizes add up to ${total}, the tensor has ${c} channels`);
  const m = n * h * w;
  const outs = sizes.map((s) => uninit(m * s));
  loadAddon().splitChannels(m, f32(x), outs);
  return sizes.map((s, i) =>
     runWithLazyGrads<tf.Tensor4D>(
      { x },
      () => adopt(outs[i], [n, h, w, s]),
      (dy) => ({
        x: () => {
          const begin = sizes.slice(0, i).reduce((a, b) => a + b, 0);
          return adopt(intoChannels(f32(dy), m, begin, s, c), x.shape);
        },
      }),
    ),
  );
}

/**
 * Channels begin..begin+size-1 as their own tensor; the gradient puts dy back into that channel range of
 * zeros (tfjs then adds it to the other gradients of x).
 */
export function sliceChannelsNative(x: tf.Tensor4D, begin: number, size: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (!(begin >= 0 && size > 0 && begin + size <= c)) throw new Error(`sliceChannels: channels ${begin}..${begin + size - 1} of ${c}`);
  const m = n * h * w;
  return runWithLazyGrads<tf.Tensor4D>(
    { x },
    () => {
      const out = uninit(m * size);
      loadAddon().sliceCopy([m, c], [0, begin], [m, size], f32(x), out);
      return adopt(out, [n, h, w, size]);
    },
    (dy) => ({
      x: () => {
        return adopt(intoChannels(f32(dy), m, begin, size, c), x.shape);
      },
    }),
  );
}
