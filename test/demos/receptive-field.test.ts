import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { HOMEWORK_CNN, RfLayer, inputSupport, receptiveFieldClosedForm, receptiveFieldTable, withoutActivations } from '../../src/demos/receptive-field';
import { empiricalReceptiveField, tfOutputShape } from '../../src/demos/receptive-field-empirical';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

test('analytic RF of the homework CNN: per layer RF 3,4,12,16,112 and jump 1,2,4,8,8', () => {
  const rows = withoutActivations(receptiveFieldTable(HOMEWORK_CNN, 1024), HOMEWORK_CNN);
  assert.deepEqual(rows.map((r) => r.rf), [3, 4, 12, 16, 112]);
  assert.deepEqual(rows.map((r) => r.jump), [1, 2, 4, 8, 8]);
  assert.deepEqual(rows.map((r) => r.kernel), [3, 2, 5, 2, 13]);
  assert.deepEqual(rows.map((r) => r.start), [-1, -1, -5, -5, -29]);
  assert.deepEqual(rows.map((r) => r.size), [1024, 512, 256, 128, 122]);
  assert.equal(receptiveFieldClosedForm(HOMEWORK_CNN), 112);
});

test('exact input support: (61) sees 459..570 solid; the border pixel 0 sees 3..82', () => {
  const s = inputSupport(HOMEWORK_CNN, 1024, 61);
  assert.equal(s.length, 112);
  assert.equal(s[0], 459);
  assert.equal(s[111], 570);
  const c = inputSupport(HOMEWORK_CNN, 1024, 0);
  assert.deepEqual([c[0], c[c.length - 1], c.length], [3, 82, 80]);
});

test('analytic RF works on other networks: holes from dilation that does not tile', () => {
  const net: RfLayer[] = [{ type: 'conv', kernel: 3, dilation: 4 }, { type: 'conv', kernel: 3, dilation: 4 }];
  assert.equal(receptiveFieldClosedForm(net), 17);
  const s = inputSupport(net, 64, 10);
  assert.deepEqual(s, [10, 14, 18, 22, 26]); // 5 taps spread over 17 pixels: a gridded RF
  const vgg: RfLayer[] = [{ type: 'conv', kernel: 3, padding: 1 }, { type: 'conv', kernel: 3, padding: 1 }, { type: 'maxpool', kernel: 2 }];
  assert.deepEqual(receptiveFieldTable(vgg, 32).map((r) => r.rf), [3, 5, 6]);
  assert.throws(() => receptiveFieldTable([{ type: 'conv', kernel: 7 }], 4), /too small/);
});

test('TF.js output shape is [1,122,122,32] with explicit padding 3 on the dilated conv', () => {
  assert.deepEqual(tfOutputShape(HOMEWORK_CNN, 1024), [1, 122, 122, 32]);
});

test('empirical RF (tfjs gradients, avg-pools, positive weights) matches the analytic one', () => {
  const before = tf.memory().numTensors;
  const mid = empiricalReceptiveField(HOMEWORK_CNN, 61, 61, { inputSize: 1024 });
  assert.deepEqual(mid.outputShape, [1, 122, 122, 32]);
  assert.deepEqual([mid.rows, mid.cols], [[459, 570], [459, 570]]);
  assert.equal(mid.pixels, 112 * 112);
  assert.equal(mid.solid, true);
  const corner = empiricalReceptiveField(HOMEWORK_CNN, 0, 0, { inputSize: 1024 });
  assert.deepEqual([corner.rows, corner.cols, corner.pixels], [[3, 82], [3, 82], 80 * 80]);
  assert.equal(tf.memory().numTensors, before);
});

test('with real max-pools one input reaches only part of the RF; the union stays inside it', () => {
  // On a 160-pixel input, output (8,8) has the box 8·8−29 .. 8·8+82 = 35..146.
  const one = empiricalReceptiveField(HOMEWORK_CNN, 8, 8, { inputSize: 160, pool: 'max', trials: 1, seed: 1 });
  assert.ok(one.pixels < 0.8 * 112 * 112, `one input covers ${one.pixels}`);
  const many = empiricalReceptiveField(HOMEWORK_CNN, 8, 8, { inputSize: 160, pool: 'max', trials: 24, seed: 1 });
  assert.ok(many.rows[0] >= 35 && many.rows[1] <= 146 && many.cols[0] >= 35 && many.cols[1] <= 146);
  assert.ok(many.pixels > one.pixels && many.pixels > 0.9 * 112 * 112, `union covers ${many.pixels}`);
});
