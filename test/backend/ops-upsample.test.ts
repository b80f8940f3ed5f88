import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { referenceOps } from '../../src/project/backend/ops';

test('reference upsample2x and its gradient are right for batch > 1 on cpu (tfjs cpu ResizeNearestNeighborGrad is not)', async () => {
  await initBackend({ backend: 'cpu' });
  const x = tf.tensor4d(Array.from({ length: 2 * 2 * 2 * 1 }, (_, i) => i + 1), [2, 2, 2, 1]);
  const y = referenceOps.upsample2x(x);
  assert.deepEqual(y.shape, [2, 4, 4, 1]);
  const yv = y.arraySync() as number[][][][];
  assert.equal(yv[1][3][2][0], x.arraySync()[1][1][1][0]);
  assert.equal(yv[0][0][1][0], 1);
  // weight each output pixel by its flat index: the gradient of input (b,i,j) is the sum over its 2x2 block
  const wts = tf.tensor4d(Array.from({ length: 32 }, (_, i) => i), [2, 4, 4, 1]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(referenceOps.upsample2x(t as tf.Tensor4D), wts)))(x);
  const expect: number[] = [];
  for (let b = 0; b < 2; b++)
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        let s = 0;
        for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) s += b * 16 + (2 * i + di) * 4 + (2 * j + dj);
        expect.push(s);
      }
  assert.deepEqual(Array.from(g.dataSync()), expect);
  [x, y, wts, g].forEach((t) => t.dispose());
});
