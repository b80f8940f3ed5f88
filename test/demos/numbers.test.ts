import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/project/backend/init';
import { binaryLosses, vectorLosses } from '../../src/demos/l2-vs-ce';
import { gradientDepthFigure, gradientNormsByDepth, mlpirateParameters } from '../../src/demos/gradient-depth';
import { linearChain, orthogonalChain, sigmoidChain } from '../../src/demos/jacobian-product';
import { HOMEWORK_RAVINE, heavyBallIterations, newtonIterations, ravineRace } from '../../src/demos/newton-vs-momentum';
import { implicitDiff } from '../../src/demos/implicit-diff';
import { elboTable, negElbo, negLogEvidence, posterior } from '../../src/demos/elbo';
import { discriminatorLoss, ganGeneratorGradients } from '../../src/demos/gan-saturation';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

const near = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol;

test("L2 vs CE: V1's MSE is 0.16375 (not 0.168), V2's 0.12755, and CE ranks them the same way", () => {
  const v1 = vectorLosses([1, 0, 0, 0], [0.3, 0.25, 0.25, 0.2]);
  const v2 = vectorLosses([1, 0, 0, 0], [0.49, 0.5, 0.01, 0]);
  assert.ok(near(v1.mse, 0.16375, 1e-12) && near(v2.mse, 0.12755, 1e-12));
  assert.ok(near(v1.sumSq, 0.655, 1e-12) && near(v2.sumSq, 0.5102, 1e-12));
  assert.ok(near(v1.ce, 1.204, 1e-3) && near(v2.ce, 0.713, 1e-3) && v1.ce > v2.ce);
});

test('a confidently wrong logit: L2 gradient ~9.1e-5, BCE gradient ~−1', () => {
  const r = binaryLosses(-10, 1);
  assert.ok(near(r.p, 4.54e-5, 1e-7));
  assert.ok(near(r.l2, 0.99991, 1e-5));
  assert.ok(near(r.dl2dz, -9.08e-5, 1e-7));
  assert.ok(near(r.bce, 10.0000454, 1e-6));
  assert.ok(near(r.dbcedz, -0.99995, 1e-5));
  assert.ok(near(binaryLosses(50, 0).bce, 50, 1e-9)); // stable far in the tail
});

test('mlpirate gradient norms at init: sigmoid ~1e-20, tanh ~1e-6 (torch init) / ~1 (Glorot), ReLU ~1e-9 / ~1 (He)', () => {
  const lg = (a: 'sigmoid' | 'tanh' | 'relu', init: 'torch' | 'glorot' | 'he'): number => Math.log10(gradientNormsByDepth({ activation: a, init }).ratio);
  const sig = gradientNormsByDepth({ activation: 'sigmoid' });
  assert.equal(sig.norms.length, 25);
  assert.ok(Math.log10(sig.ratio) < -18 && Math.log10(sig.ratio) > -23, `sigmoid 10^${Math.log10(sig.ratio)}`);
  assert.ok(near(sig.perLayer, 0.14, 0.03));
  const tanhTorch = lg('tanh', 'torch');
  assert.ok(tanhTorch < -4.5 && tanhTorch > -7.5, `tanh ${tanhTorch}`);
  assert.ok(lg('tanh', 'glorot') > -1.5);
  const relu = lg('relu', 'torch');
  assert.ok(relu < -8 && relu > -11, `relu ${relu}`);
  assert.ok(Math.abs(lg('relu', 'he')) < 1);
  assert.equal(sig.parameters, 22_145);
  assert.equal(mlpirateParameters(42, 128, 24, false), 401_921);
  const fig = gradientDepthFigure([sig]);
  assert.equal((fig.data[0] as { y: number[] }).y.length, 25);
});

test('products of Jacobians: c^L measured exactly; sigmoid chain below 0.25^24', () => {
  const a = orthogonalChain(0.9, 50);
  const b = orthogonalChain(1.1, 50);
  assert.ok(near(a.measured / a.predicted, 1, 1e-9) && near(a.predicted, 5.15e-3, 1e-5));
  assert.ok(near(b.measured / b.predicted, 1, 1e-9) && near(b.predicted, 117.39, 0.01));
  const s = sigmoidChain(1, 24);
  assert.ok(near(s.measured / s.predicted, 1, 1e-4), `autodiff ${s.measured} vs chain rule ${s.predicted}`);
  assert.ok(s.measured > 0 && s.measured < s.bound && near(s.bound, 3.55e-15, 1e-17));
  // With |w| > 4 a layer can amplify: the product w·σ' decides, not σ' alone (6·¼ at z = 0).
  const steep = sigmoidChain(6, 1, 0);
  assert.ok(near(steep.measured, 1.5, 1e-6) && near(steep.predicted, 1.5, 1e-12));
  assert.deepEqual(linearChain(2, 24), { depth: 24, measured: 2 ** 24, predicted: 2 ** 24 });
});

test('ravine f = ½(x² + 100y²): Newton 1 step, momentum 83 (optimal) / 179, GD 576', () => {
  const r = ravineRace();
  assert.equal(r.newton, 1);
  assert.equal(r.momentumOptimal.iterations, 83);
  assert.equal(r.momentumTypical.iterations, 179);
  assert.equal(r.gdOptimal.iterations, 576);
  // Any ravine: Newton stays at 1 step while first-order methods slow down with κ.
  const steep = ravineRace({ a: 1, b: 10_000, start: [1, 1] });
  assert.equal(steep.newton, 1);
  assert.ok(steep.momentumOptimal.iterations > r.momentumOptimal.iterations);
  assert.equal(heavyBallIterations({ a: 1, b: 100, start: [1, 1] }, 0.05, 0), Infinity); // lr > 2/L diverges
  assert.deepEqual(r.hessian, [[1, 0], [0, 100]]);
});

test('Newton takes its Hessian from autodiff: a wrong Hessian costs it the one-step convergence', () => {
  assert.equal(newtonIterations(HOMEWORK_RAVINE), 1);
  // 2H: every step halves θ, so f falls 4× per step.
  assert.equal(newtonIterations(HOMEWORK_RAVINE, { hessian: () => [[2, 0], [0, 200]] }), 17);
  // The identity: θ ← θ − ∇f overshoots along y (curvature 100) and diverges.
  assert.equal(newtonIterations(HOMEWORK_RAVINE, { hessian: () => [[1, 0], [0, 1]] }), Infinity);
});

test('implicit differentiation through a bisection solver; the ELBO bound and its gap; GAN saturation by autodiff', () => {
  const d = implicitDiff(2);
  assert.ok(near(d.zStar, 0.442854, 1e-6) && near(d.implicit, 0.391061, 1e-6) && near(d.finiteDifference, d.implicit, 1e-7));
  const x = 2;
  const s2 = 1;
  const nll = negLogEvidence(x, s2);
  const post = posterior(x, s2);
  assert.ok(negElbo(x, s2, 0, 1) > nll && negElbo(x, s2, 1, 0.1) > nll);
  assert.ok(near(negElbo(x, s2, post.m, post.v), nll, 1e-12));
  const t = elboTable(x, s2);
  assert.ok(near(t.negLogEvidenceQuadrature, nll, 1e-9));
  for (const r of t.rows) assert.ok(near(r.negElboQuadrature, r.negElbo, 1e-9), r.q);
  // Another model and q: closed forms and quadrature still agree.
  const u = elboTable(-1.5, 0.3);
  for (const r of u.rows) assert.ok(near(r.negElboQuadrature, r.negElbo, 1e-9) && r.negElbo >= u.negLogEvidence - 1e-12, r.q);
  const g = ganGeneratorGradients(0.01);
  assert.ok(near(g.saturating, -0.01, 1e-6) && near(g.nonSaturating, -0.99, 1e-6));
  assert.deepEqual(g.closedForm, { saturating: -0.01, nonSaturating: -0.99 });
  assert.ok(near(discriminatorLoss(0.5, 0.5), 2 * Math.LN2, 1e-6));
  assert.throws(() => ganGeneratorGradients(1), /must lie in \(0, 1\)/);
});
