import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { addonUnavailable } from '../../src/project/backend/native/addon';
import { maxRelErr, randomFloats } from './wasm-reference';

/** The native channel slice and split ops (C2f's halves, the Detect head's DFL/class split) against tf.slice / tf.split on cpu, with gradients. */
const skip = addonUnavailable();

test('native channel slice matches tf.slice with gradients (first, middle and last channels)', { skip }, async () => {
  const { sliceChannelsNative } = await import('../../src/project/backend/native/channels');
  for (const [begin, size] of [[0, 3], [2, 3], [4, 3]]) {
    const run = async (backend: 'cpu' | 'native'): Promise<Float32Array[]> => {
      await initBackend({ backend });
      const before = tf.memory().numTensors;
      const x = tf.tensor4d(randomFloats(2 * 3 * 40 * 7, 3), [2, 3, 40, 7]);
      const lw = tf.tensor(randomFloats(2 * 3 * 40 * size, 4), [2, 3, 40, size]);
      const slice = (t: tf.Tensor4D) => (backend === 'native' ? sliceChannelsNative(t, begin, size) : tf.slice(t, [0, 0, 0, begin], [-1, -1, -1, size]));
      // x also reaches the loss directly, so the slice's gradient is added to another one
      const f = (t: tf.Tensor): tf.Scalar => tf.add(tf.sum(tf.mul(slice(t as tf.Tensor4D), lw)), tf.sum(tf.square(t)));
      const part = slice(x);
      const { value, grad } = tf.valueAndGrad(f)(x);
      const out = [part, value, grad].map((t) => t.dataSync().slice() as Float32Array);
      tf.dispose([x, lw, part, value, grad]);
      assert.equal(tf.memory().numTensors, before, `no tensor leak on ${backend}`);
      return out;
    };
    const ref = await run('cpu');
    const nat = await run('native');
    nat.forEach((v, i) => assert.ok(maxRelErr(v, ref[i]) < 1e-6, `channels ${begin}+${size}: result ${i}`));
  }
});

test('native channel split matches tf.split with gradients', { skip }, async () => {
  const { splitChannelsNative } = await import('../../src/project/backend/native/channels');
  const run = async (backend: 'cpu' | 'native'): Promise<Float32Array[]> => {
    await initBackend({ backend });
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(randomFloats(2 * 3 * 4 * 7, 1), [2, 3, 4, 7]);
    const lw = [2, 5].map((c, i) => tf.tensor(randomFloats(2 * 3 * 4 * c, 10 + i), [2, 3, 4, c]));
    const split = backend === 'native' ? splitChannelsNative : (t: tf.Tensor4D, s: number[]) => tf.split(t, s, 3);
    const f = (t: tf.Tensor): tf.Scalar => {
      const [a, b] = split(t as tf.Tensor4D, [2, 5]);
      return tf.add(tf.sum(tf.mul(a, lw[0])), tf.sum(tf.mul(b, lw[1])));
    };
    const parts = split(x, [2, 5]);
    const { value, grad } = tf.valueAndGrad(f)(x);
    const out = [...parts, value, grad].map((t) => t.dataSync().slice() as Float32Array);
    tf.dispose([x, ...lw, ...parts, value, grad]);
    assert.equal(tf.memory().numTensors, before, `no tensor leak on ${backend}`);
    return out;
  };
  const ref = await run('cpu');
  const nat = await run('native');
  nat.forEach((v, i) => assert.ok(maxRelErr(v, ref[i]) < 1e-6, `result ${i}`));
});
