import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { addonUnavailable, loadAddon } from '../../src/project/backend/native/addon';
import { GroupOptimizer, OptimizerName } from '../../src/project/train/optimizer';
import { ParamGroup } from '../../src/project/train/param-groups';
import { randomFloats } from './wasm-reference';
import { torchReference } from '../helpers/torch-optim-reference';

/**
 * The fused native optimizer step (one addon call per parameter, in place) against the plain tfjs path
 * of the same GroupOptimizer on the same backend, for SGD, Adam and AdamW with weight decay, over
 * several steps with moving learning rates; plus PyTorch's update by hand, aliasing safety and resume.
 * Skips with the reason when the addon is not built.
 */
const skip = addonUnavailable();

const SHAPES = [[3, 3, 16, 32], [64], [1, 1, 7, 5], [40000], [1]];

const numel = (s: number[]): number => s.reduce((a, b) => a * b, 1);

function makeGroups(seed: number, prefix: string): { groups: ParamGroup[]; vars: tf.Variable[] } {
  const vars = SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(randomFloats(numel(s), seed + i), s))));
  const groups: ParamGroup[] = [
    { kind: 'bias', names: [`${prefix}0`, `${prefix}1`], vars: vars.slice(0, 2), weightDecay: 0 },
    { kind: 'decay', names: [`${prefix}2`, `${prefix}3`, `${prefix}4`], vars: vars.slice(2), weightDecay: 5e-2 },
  ];
  return { groups, vars };
}

function maxRel(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

/** Runs `steps` updates on two copies of the same parameters, one fused, one plain; returns both optimizers' results. */
function compare(name: OptimizerName, steps: number): { err: number; calls: number } {
  const { groups: ga, vars: va } = makeGroups(7, 'a');
  const { groups: gb, vars: vb } = makeGroups(7, 'b');
  const oa = new GroupOptimizer(ga, { name, lr: 0.05, momentum: 0.9 });
  const ob = new GroupOptimizer(gb, { name, lr: 0.05, momentum: 0.9 });
  const addon = loadAddon() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const real = addon.optimizerStep;
  let calls = 0;
  addon.optimizerStep = (...a: unknown[]) => { calls++; return real(...a); };
  try {
    for (let k = 0; k < steps; k++) {
      // Warmup-like moving hyperparameters, as the trainer sets them per step.
      for (const o of [oa, ob]) { o.lr[0] = 0.1 - 0.01 * k; o.lr[1] = 0.01 + 0.002 * k; o.momentum[0] = 0.8 + 0.02 * k; }
      const grads = SHAPES.map((s, i) => tf.tensor(randomFloats(numel(s), 100 + 10 * k + i), s));
      oa.apply(Object.fromEntries(grads.map((g, i) => [`a${i}`, g])));
      ob.apply(Object.fromEntries(grads.map((g, i) => [`b${i}`, g])), { fused: false });
      grads.forEach((g) => g.dispose());
    }
  } finally {
    addon.optimizerStep = real;
  }
  let err = 0;
  va.forEach((v, i) => { err = Math.max(err, maxRel(v.dataSync() as Float32Array, vb[i].dataSync() as Float32Array)); });
  const sa = oa.slotTensors(), sb = ob.slotTensors();
  assert.equal(sa.size, sb.size);
  for (const [k, t] of sa) err = Math.max(err, maxRel(t.dataSync() as Float32Array, sb.get(k.replace(/^a/, 'b'))!.dataSync() as Float32Array));
  oa.dispose(); ob.dispose();
  [...va, ...vb].forEach((v) => v.dispose());
  return { err, calls };
}

test('fused native step matches the plain tfjs step (SGD, Adam, AdamW, weight decay)', { skip }, async () => {
  await initBackend({ backend: 'native' });
  const before = tf.memory().numTensors;
  for (const name of ['SGD', 'Adam', 'AdamW'] as const) {
    const { err, calls } = compare(name, 4);
    assert.equal(calls, 4 * SHAPES.length, `${name}: the addon ran once per parameter and step`);
    assert.ok(err <= 1e-6, `${name}: max relative difference ${err}`);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

test('fused native step follows PyTorch by hand', { skip }, async () => {
  await initBackend({ backend: 'native' });
  const g = [0.5, -0.2, 0.3];
  const run = (name: OptimizerName): number => {
    const p = tf.tidy(() => tf.variable(tf.scalar(1.0)));
    const opt = new GroupOptimizer([{ kind: 'decay', names: ['w'], vars: [p], weightDecay: 0.01 }], { name, lr: 0.1, momentum: 0.9 });
    for (const gi of g) { const t = tf.scalar(gi); opt.apply({ w: t }); t.dispose(); }
    const out = p.dataSync()[0];
    opt.dispose(); p.dispose();
    return out;
  };
  const sgd = torchReference('SGD', g);
  assert.ok(Math.abs(run('SGD') - sgd) <= 1e-6, `SGD ${run('SGD')} vs ${sgd}`);
  for (const name of ['Adam', 'AdamW'] as const) {
    const q = torchReference(name, g);
    assert.ok(Math.abs(run(name) - q) <= 1e-5, `${name} ${run(name)} vs ${q}`);
  }
});

test('in-place updates never change a tensor that shares the parameter\'s memory', { skip }, async () => {
  await initBackend({ backend: 'native' });
  const before = tf.memory().numTensors;
  const p = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3])));
  // ModelEma and checkpoint backups start from clones, which share the parameter's data on cpu backends.
  const shadow = tf.tidy(() => tf.variable(p.clone(), false));
  const backup = p.clone();
  const opt = new GroupOptimizer([{ kind: 'decay', names: ['w'], vars: [p], weightDecay: 0 }], { name: 'SGD', lr: 0.5, momentum: 0 });
  for (let k = 0; k < 2; k++) { const g = tf.tensor1d([1, 1, 1]); opt.apply({ w: g }); g.dispose(); }
  assert.deepEqual(Array.from(p.dataSync()), [0, 1, 2]);
  assert.deepEqual(Array.from(shadow.dataSync()), [1, 2, 3]);
  assert.deepEqual(Array.from(backup.dataSync()), [1, 2, 3]);
  // Resumed slots are copies: the caller's arrays stay untouched.
  const saved = new Float32Array([0.25, 0.25, 0.25]);
  opt.loadSlotTensors(() => saved);
  const g = tf.tensor1d([0, 0, 0]); opt.apply({ w: g }); g.dispose();
  assert.deepEqual(Array.from(saved), [0.25, 0.25, 0.25]);
  opt.dispose(); [p, shadow, backup].forEach((x) => x.dispose());
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

test('fused EMA update equals the tfjs one over several updates, leaves the model untouched, leaks nothing', { skip }, async () => {
  const { ModelEma } = await import('../../src/project/train/ema');
  await initBackend({ backend: 'native' });
  const make = (seed: number) => new Map(SHAPES.map((s, i) => [`t${i}`, tf.tidy(() => tf.variable(tf.tensor(randomFloats(numel(s), seed + i), s)))] as [string, tf.Variable]));
  const named = make(40);
  const before = new Map([...named].map(([k, v]) => [k, Float32Array.from(v.dataSync())]));
  const fused = new ModelEma(named);
  const plain = new ModelEma(named);
  const tensors = tf.memory().numTensors;
  for (let step = 0; step < 4; step++) {
    // the model moves between updates, as training does
    for (const [i, v] of [...named.values()].entries()) tf.tidy(() => v.assign(tf.add(v, tf.tensor(randomFloats(v.size, 100 * step + i), v.shape))));
    fused.update(named);
    plain.update(named, { fused: false });
    for (const [k, e] of fused.shadow) {
      const a = e.dataSync();
      const b = plain.shadow.get(k)!.dataSync();
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-6 * Math.max(1, Math.abs(b[i])), `${k}[${i}] after ${step + 1}: ${a[i]} vs ${b[i]}`);
    }
  }
  assert.equal(tf.memory().numTensors, tensors, 'tensors leaked');
  // the shadow started as a clone sharing the model's data: updating it in place must not have changed the model
  const fresh = new Map([...named].map(([k, v]) => [k, tf.variable(v.clone(), false)]));
  const ema = new ModelEma(fresh);
  const snapshot = new Map([...fresh].map(([k, v]) => [k, Float32Array.from(v.dataSync())]));
  ema.update(named);
  for (const [k, v] of fresh) assert.deepEqual(Float32Array.from(v.dataSync()), snapshot.get(k), `${k} changed by the EMA update`);
  assert.ok(before.size === named.size);
  [fused, plain, ema].forEach((e) => e.dispose());
  for (const v of [...named.values(), ...fresh.values()]) v.dispose();
});
