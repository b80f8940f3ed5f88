import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { autodiffHessian, gradientOf, solveLinear } from '../../src/demos/hessian';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

const near = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol;

test('autodiff Hessian (gradient of the gradient) of a non-quadratic f matches the analytic one', () => {
  // f = x²y + sin(x)·y³: ∇f = (2xy + cos x·y³, x² + 3 sin x·y²),
  // H = [[2y − sin x·y³, 2x + 3 cos x·y²], [2x + 3 cos x·y², 6 sin x·y]].
  const f = (t: tf.Tensor): tf.Tensor => {
    const [x, y] = [tf.gather(t, [0]), tf.gather(t, [1])];
    return tf.sum(tf.add(tf.mul(tf.square(x), y), tf.mul(tf.sin(x), tf.pow(y, 3))));
  };
  const [x, y] = [0.7, -1.3];
  const g = gradientOf(f, [x, y]);
  assert.ok(near(g[0], 2 * x * y + Math.cos(x) * y ** 3, 1e-5) && near(g[1], x * x + 3 * Math.sin(x) * y * y, 1e-5), `${g}`);
  const H = autodiffHessian(f, [x, y]);
  const want = [[2 * y - Math.sin(x) * y ** 3, 2 * x + 3 * Math.cos(x) * y * y], [2 * x + 3 * Math.cos(x) * y * y, 6 * Math.sin(x) * y]];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) assert.ok(near(H[i][j], want[i][j], 1e-4), `H[${i}][${j}] = ${H[i][j]} vs ${want[i][j]}`);
});

test('solveLinear: pivoting, a 3x3 system, and a singular matrix', () => {
  assert.deepEqual(solveLinear([[0, 1], [1, 0]], [2, 3]), [3, 2]);
  const x = solveLinear([[4, -2, 1], [-2, 4, -2], [1, -2, 4]], [11, -16, 17]);
  [1, -2, 3].forEach((v, i) => assert.ok(near(x[i], v, 1e-12), `${x}`));
  assert.throws(() => solveLinear([[1, 2], [2, 4]], [1, 2]), /singular/);
});
