import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { addonUnavailable } from '../../src/project/backend/native/addon';
import { accumulateGrads } from '../../src/project/train/accumulate';

/** Gradient accumulation: sums per key, owns what it is given, never writes into an array someone else sees. */
for (const backend of ['cpu', 'native'] as const) {
  const skip = backend === 'native' ? addonUnavailable() : undefined;
  test(`accumulateGrads sums micro-batch gradients without leaks or shared writes (${backend})`, { skip }, async () => {
    await initBackend({ backend });
    const before = tf.memory().numTensors;
    const shapes: Record<string, number[]> = { 'w/a': [3, 3, 4, 50000], 'b/a': [7] };
    const micro = [0, 1, 2].map((r) => {
      const g: tf.NamedTensorMap = {};
      for (const [k, s] of Object.entries(shapes)) g[k] = tf.randomNormal(s, 0, 1, 'float32', 10 * r + s.length);
      return g;
    });
    const expected = Object.fromEntries(Object.keys(shapes).map((k) => [k, tf.tidy(() => tf.addN(micro.map((g) => g[k])).dataSync().slice())]));
    // Someone else holds a view of the first micro-batch's weight gradient: it must keep its values.
    const view = micro[0]['w/a'].clone();
    const viewValues = view.dataSync().slice();
    const acc = new Map<string, tf.Tensor>();
    for (const g of micro) accumulateGrads(acc, g, (vn) => vn.toUpperCase());
    assert.deepEqual([...acc.keys()].sort(), ['B/A', 'W/A']);
    for (const k of Object.keys(shapes)) {
      const got = acc.get(k.toUpperCase())!.dataSync();
      let err = 0;
      for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - expected[k][i]));
      assert.ok(err < 1e-5, `${k}: max error ${err}`);
    }
    assert.deepEqual(view.dataSync(), viewValues, 'a shared array was written in place');
    // Native adds into the first gradient's own array (the bias); tfjs makes a new tensor per add.
    assert.equal(acc.get('B/A') === micro[0]['b/a'], backend === 'native', 'in place on native only');
    for (const g of micro) for (const t of Object.values(g)) assert.ok(t.isDisposed || [...acc.values()].includes(t), 'a gradient was neither kept nor disposed');
    view.dispose();
    acc.forEach((t) => t.dispose());
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  });
}
