import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { dropoutOrder } from '../../src/demos/dropout-order';
import { elboTable, negElbo } from '../../src/demos/elbo';
import { autodiffScalar, ganGeneratorGradients } from '../../src/demos/gan-saturation';
import { HessianFn, autodiffHessian } from '../../src/demos/hessian';
import { sigmoidChain } from '../../src/demos/jacobian-product';
import { HOMEWORK_RAVINE, ravineRace } from '../../src/demos/newton-vs-momentum';
import { forwardDifferenceSweep } from '../../src/demos/difference-error';
import { forwardDifferenceFloat32 } from '../../src/demos/numeric-gradient';
import { tbpttGradients } from '../../src/demos/tbptt';
import { runCheck } from './cell-sandbox';

/**
 * Mutation tests: each graded check of the Part 2 notebook, run from its own cell source, passes with the
 * real demo and fails (an AssertionError from the cell) when the demo is broken on purpose through one of
 * its injectable parts. A check that cannot fail would pass both ways.
 */

before(async () => {
  await initBackend({ backend: 'cpu' });
});

async function failsWith(gradeId: string, overrides: Record<string, unknown>, what: string): Promise<void> {
  await assert.rejects(runCheck(gradeId, overrides), (e: unknown) => e instanceof assert.AssertionError, `${gradeId} did not catch: ${what}`);
}

test('opt-newton-ravine: passes with the autodiff Hessian; fails with a wrong one', async () => {
  await runCheck('opt-newton-ravine');
  const withHessian = (hessian: HessianFn) => () => ravineRace(HOMEWORK_RAVINE, 1e-10, { hessian });
  await failsWith('opt-newton-ravine', { ravineRace: withHessian(() => [[1, 0], [0, 1]]) }, 'the identity as Hessian (Newton becomes GD with step 1)');
  await failsWith('opt-newton-ravine', { ravineRace: withHessian((f, t) => autodiffHessian(f, t).map((row) => row.map((v) => 2 * v))) }, 'a Hessian twice too large');
});

test('gan-saturation: passes with autodiff; fails with a no-op autodiff or one that returns the loss', async () => {
  await runCheck('gan-saturation');
  await failsWith('gan-saturation', { ganGeneratorGradients: (d: number) => ganGeneratorGradients(d, () => 0) }, 'a no-op autodiff');
  const value = (f: (a: tf.Tensor) => tf.Tensor, a: number): number => tf.tidy(() => f(tf.scalar(a)).dataSync()[0]);
  await failsWith('gan-saturation', { ganGeneratorGradients: (d: number) => ganGeneratorGradients(d, value) }, 'the loss instead of its gradient');
});

test('opt-jacobian-product (sigmoidChain): the measured product must equal the predicted one', async () => {
  await runCheck('opt-jacobian-product');
  await failsWith('opt-jacobian-product', { sigmoidChain: (w: number, L: number) => sigmoidChain(w, L, 0, () => 1) }, 'a no-op autodiff (derivative 1)');
  // Autodiff of a chain one layer short: still below the bound, so the old `derivative <= bound` check passed it.
  const shorter = (w: number, L: number) => ({ ...sigmoidChain(w, L), measured: sigmoidChain(w, L - 1).measured });
  assert.ok(shorter(1, 24).measured <= shorter(1, 24).bound);
  await failsWith('opt-jacobian-product', { sigmoidChain: shorter }, 'autodiff through 23 of the 24 layers');
  await failsWith('opt-jacobian-product', { sigmoidChain: (w: number, L: number) => sigmoidChain(w, L, 0, (f, a) => 2 * autodiffScalar(f, a)) }, 'autodiff off by a factor 2');
});

test('dropout-order (was reluMaxDiff === 0): fails when the two orders do not share one mask, or dropout does not rescale', async () => {
  await runCheck('dropout-order');
  let calls = 0;
  const freshMask = (x: tf.Tensor, p: number) => tf.dropout(x, p, undefined, 1000 + calls++);
  await failsWith('dropout-order', { dropoutOrder: (a: 'relu' | 'sigmoid', o = {}) => dropoutOrder(a, { ...o, dropout: freshMask }) }, 'a new mask per order');
  const unscaled = (x: tf.Tensor, p: number, seed: number) => tf.mul(tf.dropout(x, p, undefined, seed), 1 - p);
  await failsWith('dropout-order', { dropoutOrder: (a: 'relu' | 'sigmoid', o = {}) => dropoutOrder(a, { ...o, dropout: unscaled }) }, 'dropout without the 1/(1-p) scale');
});

test('seq-tbptt: fails without truncation, with the state reset at chunk boundaries, or with the wrong chunk length', async () => {
  await runCheck('seq-tbptt');
  type O = Parameters<typeof tbpttGradients>[0];
  await failsWith('seq-tbptt', { tbpttGradients: (o: O) => tbpttGradients({ ...o, detach: (h) => h }) }, 'no detach (full BPTT)');
  await failsWith('seq-tbptt', { tbpttGradients: (o: O) => tbpttGradients({ ...o, resetState: true }) }, 'the state reset to 0 at every chunk');
  await failsWith('seq-tbptt', { tbpttGradients: (o: O) => tbpttGradients({ ...o, chunk: 4 }) }, 'chunks of 4');
});

test('vae-elbo: fails when the closed-form −ELBO is wrong (the quadrature disagrees)', async () => {
  await runCheck('vae-elbo');
  const noKl = (x: number, s2: number, m: number, v: number) => negElbo(x, s2, m, v) - 0.5 * (v + m * m - 1 - Math.log(v));
  await failsWith('vae-elbo', { elboTable: (x: number, s2: number) => elboTable(x, s2, { negElbo: noKl }) }, '−ELBO without its KL term');
  const sloppy = (x: number, s2: number, m: number, v: number) => negElbo(x, s2, m, v) + 1e-3;
  await failsWith('vae-elbo', { elboTable: (x: number, s2: number) => elboTable(x, s2, { negElbo: sloppy }) }, '−ELBO off by 1e-3');
});

test('backprop-numeric-cost: the float32 forward-difference numbers are asserted, not just "> 0.02"', async () => {
  await runCheck('backprop-numeric-cost');
  await failsWith('backprop-numeric-cost', { forwardDifferenceFloat32: (n: number) => forwardDifferenceFloat32(n, 1e-5) }, 'a forward difference with δ = 1e-5 instead of 1e-6');
  await failsWith('backprop-numeric-cost', { forwardDifferenceSweep: () => forwardDifferenceSweep('float64') }, 'a float32 sweep that runs in float64');
});
