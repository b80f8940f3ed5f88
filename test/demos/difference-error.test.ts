import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/project/backend/init';
import { float64GradientError, forwardDifferenceSweep, reluKinkQuotients } from '../../src/demos/difference-error';
import { float32Spacing, forwardDifferenceFloat32 } from '../../src/demos/numeric-gradient';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

test('the best forward difference is of the order of √ε in each precision, at δ of the order of √ε', () => {
  for (const p of ['float32', 'float64'] as const) {
    const s = forwardDifferenceSweep(p);
    assert.ok(s.bestError > 0.5 * s.sqrtEpsilon && s.bestError < 3 * s.sqrtEpsilon, `${p}: ${s.bestError} vs √ε ${s.sqrtEpsilon}`);
    assert.ok(s.bestDelta > 0.2 * s.sqrtEpsilon && s.bestDelta < 5 * s.sqrtEpsilon, `${p}: δ ${s.bestDelta}`);
  }
});

test('float32 forward differences with δ = 1e-6 are multiples of spacing(L)/δ', () => {
  assert.equal(float32Spacing(1.6), 2 ** -23);
  assert.equal(float32Spacing(2.1), 2 ** -22);
  const r = forwardDifferenceFloat32(10);
  for (const q of r.seed0Quotients) assert.ok(Math.abs(q / (r.seed0Spacing / r.delta) - Math.round(q / (r.seed0Spacing / r.delta))) < 0.05, `${q}`);
  assert.ok(r.worstRelErr[0] > 0.1 && r.worstRelErr[1] >= 1);
});

test('in float64 the homework check\'s only error is round-off (~ε|L|/δ)', () => {
  const r = float64GradientError(0);
  assert.ok(r.maxAbsErr > 0 && r.maxAbsErr < 20 * 2 ** -52 * r.loss / 1e-6, `${r.maxAbsErr}`);
});

test('ReLU at its kink: forward = right derivative, backward = left, central = average; autodiff picks 0', () => {
  assert.deepEqual(reluKinkQuotients(0.25), { forward: 1, backward: 0, central: 0.5, autodiff: 0 });
});
