import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { allclose, compareGradients, corruptW, gradientCheck } from '../../src/demos/numeric-gradient';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

test('allclose states and applies |a−b| ≤ atol + rtol·|b|', () => {
  assert.equal(allclose([1, 2], [1.0005, 2], 1e-3, 0).ok, true);
  assert.equal(allclose([1, 2], [1.002, 2], 1e-3, 0).ok, false);
  assert.equal(allclose([0], [5e-5], 0, 1e-4).ok, true);
  assert.equal(allclose([NaN], [0], 1, 1).ok, false);
});

test('autograd equals the closed form dL/dW[i,j] = mean_n X[n,i]/d, dL/db = 1/d', () => {
  const g = gradientCheck({ seed: 4 });
  assert.ok(allclose(g.autoW, g.exactW, 1e-5, 1e-7).ok);
  assert.ok(allclose(g.autoB, g.exactB, 1e-6, 1e-7).ok);
  assert.equal(g.parameters, 30);
  assert.equal(g.forwardPasses, 2 * 30 + 1);
});

test('central differences (δ=1e-2) pass over 100 seeds and catch a 1% error in a single entry', () => {
  const before = tf.memory().numTensors;
  for (let seed = 0; seed < 100; seed++) {
    const g = gradientCheck({ seed });
    const r = compareGradients(g);
    assert.ok(r.ok, `seed ${seed}: max error ${r.maxAbsErr}`);
    for (const k of [0, 7, 24]) assert.equal(compareGradients(corruptW(g, k)).ok, false, `seed ${seed}: 1% error in W[${k}] missed`);
    const bBad = { ...g, autoB: g.autoB.map((v, i) => (i === 2 ? v * 1.01 : v)) };
    assert.equal(compareGradients(bBad).ok, false, `seed ${seed}: 1% error in b[2] missed`);
  }
  assert.equal(tf.memory().numTensors, before);
});

test("the seed's forward difference with δ=1e-6 fails in float32 (error ~0.1)", () => {
  const g = gradientCheck({ scheme: 'forward', delta: 1e-6, seed: 0 });
  const r = compareGradients(g);
  assert.equal(r.ok, false);
  assert.ok(r.maxAbsErr > 0.02, `error ${r.maxAbsErr}`);
  assert.equal(g.forwardPasses, 30 + 1);
});
