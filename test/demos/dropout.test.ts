import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { combinedRate, dropoutExpectation, relDiff, twoDropoutsVsOne } from '../../src/demos/dropout-mc';
import { dropoutOrder } from '../../src/demos/dropout-order';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

const inside = (x: number, ci: [number, number]): boolean => ci[0] <= x && x <= ci[1];

test('q = 1 − (1−p1)(1−p2) for any rates', () => {
  assert.ok(Math.abs(combinedRate(0.1, 0.2) - 0.28) < 1e-15);
  assert.ok(Math.abs(combinedRate(0.5, 0.5) - 0.75) < 1e-15);
  assert.ok(Math.abs(combinedRate(0, 0.3) - 0.3) < 1e-15);
});

test('10^7 elements: two dropouts and one with q = 0.28 zero 28% and keep the mean 1, same scale 1/(1−q)', () => {
  const r = twoDropoutsVsOne(0.1, 0.2, 10_000_000, 7);
  for (const s of [r.two, r.one]) {
    assert.ok(inside(0.28, s.zeroFraction.ci), `zero fraction ${s.zeroFraction.value} CI ${s.zeroFraction.ci}`);
    assert.ok(inside(1, s.mean.ci), `mean ${s.mean.value} CI ${s.mean.ci}`);
    assert.ok(s.zeroFraction.ci[1] - s.zeroFraction.ci[0] < 1e-3);
    // float32: the two scales may differ by an ulp, so compare with a tolerance.
    assert.ok(relDiff(s.scale, r.expectedScale) < 1e-6);
  }
  assert.ok(relDiff(r.two.scale, r.one.scale) < 1e-6);
});

test('scaling by 1/(1−p) keeps the expectation; without it the mean is (1−p)·E[y]', () => {
  for (const p of [0.2, 0.5]) {
    const e = dropoutExpectation(p, 2_000_000, 3);
    assert.ok(inside(e.inputMean, e.scaled.ci), `p=${p}: scaled mean ${e.scaled.value} vs ${e.inputMean}`);
    assert.ok(inside((1 - p) * e.inputMean, e.unscaled.ci), `p=${p}: unscaled mean ${e.unscaled.value}`);
  }
});

test('dropout before/after through tf.dropout with one mask: identical for ReLU, not for sigmoid', () => {
  const before = tf.memory().numTensors;
  const relu = dropoutOrder('relu', { n: 400_000, seed: 1 });
  const sig = dropoutOrder('sigmoid', { n: 400_000, seed: 1 });
  assert.equal(relu.maxDiff, 0);
  assert.equal(sig.maxDiff, 0.5); // a dropped pre-activation: σ(0) = 0.5 against 0
  assert.ok(Math.abs(sig.eval - 0.697) < 0.003 && Math.abs(sig.after - 0.697) < 0.004, JSON.stringify(sig));
  assert.ok(Math.abs(sig.before - 0.668) < 0.004, JSON.stringify(sig));
  assert.equal(tf.memory().numTensors, before);
});

test('the ReLU identity is measured: independent masks break it', () => {
  let k = 0;
  const fresh = dropoutOrder('relu', { n: 10_000, dropout: (x, p) => tf.dropout(x, p, undefined, 100 + k++) });
  assert.ok(fresh.maxDiff > 1, `independent masks: ${fresh.maxDiff}`);
});
