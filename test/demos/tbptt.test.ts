import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { makeRnn, rnnOutput64, rnnOutputTf, tbpttGradients } from '../../src/demos/tbptt';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

test('the TF.js and float64 forward passes agree, with and without a state reset', () => {
  const rnn = makeRnn(8, 3);
  const xs = [0.5, -1, 0.25, 2, -0.75, 1.5, 0, -2];
  for (const o of [{}, { chunk: 3 }, { chunk: 3, resetState: true }]) {
    const y = tf.tidy(() => rnnOutputTf(rnn, tf.tensor1d(xs), o).dataSync()[0]);
    assert.ok(Math.abs(y - rnnOutput64(rnn, xs, o)) < 1e-6, JSON.stringify(o));
  }
  assert.notEqual(rnnOutput64(rnn, xs, { chunk: 3, resetState: true }), rnnOutput64(rnn, xs));
});

test('TBPTT: no gradient before the last chunk, full BPTT\'s inside it, and the forward pass still depends on every input', () => {
  const before = tf.memory().numTensors;
  for (const [T, S] of [[20, 5], [12, 5], [7, 7]]) {
    const r = tbpttGradients({ steps: T, chunk: S, hidden: 8, seed: 2 });
    const first = S * Math.floor((T - 1) / S);
    assert.equal(r.firstTrained, first);
    r.truncated.forEach((g, t) => {
      if (t < first) assert.equal(g, 0, `T=${T} S=${S} t=${t}`);
      else assert.ok(Math.abs(g - r.full[t]) <= 1e-6 * Math.abs(r.full[t]) && g !== 0, `T=${T} S=${S} t=${t}`);
      assert.ok(Math.abs(r.forward[t] - r.full[t]) <= 1e-3 * Math.abs(r.full[t]) + 1e-10, `forward vs BPTT, T=${T} S=${S} t=${t}`);
      assert.notEqual(r.forward[t], 0);
    });
    assert.equal(r.yTruncated, r.yFull);
  }
  assert.equal(tf.memory().numTensors, before);
});

test('a reset state (answer 3.2\'s mistake) makes early inputs irrelevant to the output', () => {
  const r = tbpttGradients({ resetState: true });
  assert.ok(r.forward.slice(0, 15).every((g) => g === 0));
  assert.notEqual(r.yTruncated, r.yFull);
});
