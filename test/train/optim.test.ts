import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { torchReference } from '../helpers/torch-optim-reference';
import { buildParamGroups, groupOf, scaledWeightDecay } from '../../src/project/train/param-groups';
import { GroupOptimizer, resolveAutoOptimizer } from '../../src/project/train/optimizer';
import { lrFactor, stepSettings, warmupIterations } from '../../src/project/train/schedule';
import { ModelEma } from '../../src/project/train/ema';
import { appendResult, formatG5, readResults, truncateResults, RESULT_COLUMNS } from '../../src/project/train/results-csv';

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('parameter groups follow ultralytics (pg0 biases, pg1 decayed weights, pg2 BN weights)', async () => {
  await initBackend({ backend: 'cpu' });
  assert.equal(groupOf('model.0.conv.weight'), 'decay');
  assert.equal(groupOf('model.0.bn.weight'), 'bn');
  assert.equal(groupOf('model.0.bn.bias'), 'bias');
  assert.equal(groupOf('model.22.cv2.0.2.bias'), 'bias');
  const named = new Map([
    ['model.0.conv.weight', tf.variable(tf.ones([1]))],
    ['model.0.bn.weight', tf.variable(tf.ones([1]))],
    ['model.0.bn.bias', tf.variable(tf.ones([1]))],
    ['model.0.bn.running_mean', tf.variable(tf.ones([1]), false)],
  ]);
  const g = buildParamGroups(named, 5e-4);
  assert.deepEqual(g.map((x) => x.names), [['model.0.bn.bias'], ['model.0.conv.weight'], ['model.0.bn.weight']]);
  assert.deepEqual(g.map((x) => x.weightDecay), [0, 5e-4, 0]);
  close(scaledWeightDecay(5e-4, 16), 5e-4); // accumulate 4 -> 16*4/64 = 1
  close(scaledWeightDecay(5e-4, 24), 5e-4 * 24 * 3 / 64);
  named.forEach((v) => v.dispose());
});

test('optimizer=auto as ultralytics', () => {
  assert.deepEqual(resolveAutoOptimizer(7, 5000), { name: 'AdamW', lr: 0.000909, momentum: 0.9 });
  assert.deepEqual(resolveAutoOptimizer(80, 20000), { name: 'SGD', lr: 0.01, momentum: 0.9 });
});

function runOpt(name: 'SGD' | 'Adam' | 'AdamW', wd: number, grads: number[], steps: number): number {
  const p = tf.variable(tf.scalar(1.0));
  const opt = new GroupOptimizer([{ kind: 'decay', names: ['w'], vars: [p], weightDecay: wd }], { name, lr: 0.1, momentum: 0.9 });
  for (let i = 0; i < steps; i++) {
    const g = tf.scalar(grads[i]);
    opt.apply({ w: g });
    g.dispose();
  }
  const out = p.dataSync()[0];
  opt.dispose();
  p.dispose();
  return out;
}

test('SGD (nesterov, L2), Adam (L2) and AdamW (decoupled) match hand-computed PyTorch updates', async () => {
  await initBackend({ backend: 'cpu' });
  const g = [0.5, -0.2, 0.3];
  close(runOpt('SGD', 0.01, g, 3), torchReference('SGD', g), 1e-6);
  for (const name of ['Adam', 'AdamW'] as const) close(runOpt(name, 0.01, g, 3), torchReference(name, g), 1e-5);
});

test('optimizer state round-trips (resume keeps moments)', async () => {
  await initBackend({ backend: 'cpu' });
  const mk = () => tf.variable(tf.tensor1d([1, 2]));
  const a = mk(), b = mk();
  const oa = new GroupOptimizer([{ kind: 'decay', names: ['w'], vars: [a], weightDecay: 0 }], { name: 'AdamW', lr: 0.1, momentum: 0.9 });
  const ob = new GroupOptimizer([{ kind: 'decay', names: ['w'], vars: [b], weightDecay: 0 }], { name: 'AdamW', lr: 0.1, momentum: 0.9 });
  const g1 = tf.tensor1d([0.3, -0.1]), g2 = tf.tensor1d([0.1, 0.2]);
  oa.apply({ w: g1 });
  ob.apply({ w: g1 });
  ob.setState(JSON.parse(JSON.stringify(oa.getState())));
  const slots = oa.slotTensors();
  ob.loadSlotTensors((n) => { const t = slots.get(n); return t ? (t.dataSync() as Float32Array) : undefined; });
  oa.apply({ w: g2 });
  ob.apply({ w: g2 });
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  [a, b, g1, g2].forEach((x) => x.dispose());
  oa.dispose(); ob.dispose();
});

test('LR schedule and warmup follow ultralytics', () => {
  close(lrFactor(0, 100, 0.01, 'linear'), 1);
  close(lrFactor(100, 100, 0.01, 'linear'), 0.01);
  close(lrFactor(50, 100, 0.01, 'linear'), 0.505);
  close(lrFactor(50, 100, 0.01, 'cosine'), 0.505);
  close(lrFactor(100, 100, 0.01, 'cosine'), 0.01);
  assert.equal(warmupIterations(3, 10), 100);
  assert.equal(warmupIterations(3, 50), 150);
  assert.equal(warmupIterations(0, 50), -1);
  const base = { nw: 100, epoch: 0, epochs: 10, lrf: 0.01, shape: 'linear' as const, initialLr: [0.01, 0.01, 0.01], momentum: 0.937, warmupMomentum: 0.8, warmupBiasLr: 0.1, batch: 16, nbs: 64, hasMomentum: true };
  const s0 = stepSettings({ ...base, ni: 0 });
  assert.deepEqual(s0.lr, [0.1, 0, 0]);
  assert.equal(s0.accumulate, 1);
  close(s0.momentum[0], 0.8);
  const s50 = stepSettings({ ...base, ni: 50 });
  close(s50.lr[0], 0.1 + (0.01 - 0.1) * 0.5);
  close(s50.lr[1], 0.005);
  assert.equal(s50.accumulate, 2); // interp(50, [0,100], [1, 4]) = 2.5, and numpy rounds halves to even
  const s200 = stepSettings({ ...base, ni: 200, epoch: 5 });
  close(s200.lr[1], 0.01 * lrFactor(5, 10, 0.01, 'linear'));
  assert.equal(s200.accumulate, 4);
});

test('EMA decay ramps as ultralytics ModelEMA', async () => {
  await initBackend({ backend: 'cpu' });
  const w = tf.variable(tf.scalar(0));
  const named = new Map([['w', w]]);
  const ema = new ModelEma(named);
  w.assign(tf.scalar(1));
  ema.update(named);
  const d = 0.9999 * (1 - Math.exp(-1 / 2000));
  close(ema.shadow.get('w')!.dataSync()[0], 1 - d, 1e-6);
  ema.dispose(); w.dispose();
});

test('results.csv matches ultralytics formatting and survives truncation for resume', () => {
  assert.equal(formatG5(0.0123456), '               0.012346');
  assert.equal(formatG5(1e-5), '                  1e-05');
  assert.equal(formatG5(3), '                      3');
  assert.equal(formatG5(123456), '             1.2346e+05');
  assert.equal(formatG5(0.000123456), '             0.00012346');
  assert.equal(formatG5(99999.5), '                  1e+05');
  assert.equal(formatG5(1.5e-7), '                1.5e-07');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-csv-'));
  const file = path.join(dir, 'results.csv');
  const row = (epoch: number) => Object.fromEntries([['epoch', epoch], ...RESULT_COLUMNS.map((c, i) => [c, i / 10 + epoch])]) as never;
  appendResult(file, row(1));
  appendResult(file, row(2));
  appendResult(file, row(3));
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text.split('\n')[0], /^\s+epoch,\s+train\/box_loss,/);
  assert.equal(readResults(file).length, 3);
  truncateResults(file, 2);
  const rows = readResults(file);
  assert.deepEqual(rows.map((r) => r.epoch), [1, 2]);
  close(rows[1]['lr/pg2'], 3.2);
  fs.rmSync(dir, { recursive: true });
});
