import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { maxPoolSameSeparable, referenceOps } from '../../src/project/backend/ops';
import { addonUnavailable, loadAddon } from '../../src/project/backend/native/addon';
import { broadcastPlan, slicePlan, sumPlan } from '../../src/project/backend/native/layout';
import { makeRng, maxRelErr, randomFloats } from './wasm-reference';

/**
 * The native backend's element-wise kernels (broadcasting binary ops, Sum, Slice, Concat, SplitV) and
 * the native max-pool and upsample ops with their gradients, against the cpu backend's kernels and
 * the reference ops, on random shapes. A spy checks the addon really ran (no silent cpu fallback).
 * Skips with the reason when the addon is not built.
 */
const skip = addonUnavailable();

test('layout plans collapse dims that move together', () => {
  assert.deepEqual(broadcastPlan([8, 40, 40, 16], [16]), { outShape: [8, 40, 40, 16], shape: [12800, 16], aStrides: [16, 1], bStrides: [0, 1] });
  assert.deepEqual(broadcastPlan([2, 3], [2, 3])?.shape, [6]);
  assert.deepEqual(broadcastPlan([], [])?.shape, [1]);
  assert.equal(broadcastPlan([2, 3], [4, 3]), undefined);
  assert.deepEqual(sumPlan([8, 40, 40, 16], [0, 1, 2]), { outer: 1, mid: 12800, inner: 16 });
  assert.deepEqual(sumPlan([4, 1, 5, 6], [2]), { outer: 4, mid: 5, inner: 6 });
  assert.equal(sumPlan([4, 5, 6], [0, 2]), undefined);
  assert.deepEqual(slicePlan([2, 5, 6, 7], [0, 1, 0, 0], [2, 3, 6, 7]), { shape: [2, 210], begin: [0, 42], size: [2, 126] });
});

type Shape = number[];
const BINARY: [Shape, Shape][] = [
  [[2, 5, 6, 7], [2, 5, 6, 7]], [[2, 5, 6, 7], [7]], [[7], [3, 4, 7]], [[2, 5, 6, 7], []], [[], [3, 2]],
  [[2, 1, 6, 1], [2, 5, 1, 7]], [[5, 1], [1, 9]], [[3, 4, 1, 2], [4, 3, 2]], [[1000, 33], [1000, 1]], [[70, 80, 9], [80, 1]],
  [[4, 20, 20, 16], [16]], [[4, 20, 20, 16], [4, 20, 20, 16]], [[4, 1, 20, 16], [4, 20, 1, 16]], [[3000], []],
];
/** Outputs this small stay on the cpu kernel (cheaper than a native call). */
const nativeCases = BINARY.filter(([a, b]) => (broadcastPlan(a, b)?.outShape ?? []).reduce((x, y) => x * y, 1) >= 1024).length;

function spy(names: string[]): { calls: string[]; restore: () => void } {
  const addon = loadAddon() as unknown as Record<string, (...a: unknown[]) => void>;
  const calls: string[] = [];
  const saved = names.map((n) => addon[n]);
  names.forEach((n, i) => (addon[n] = (...a: unknown[]) => (calls.push(n), saved[i](...a))));
  return { calls, restore: () => names.forEach((n, i) => (addon[n] = saved[i])) };
}

/** Runs `f` on cpu, then on native, returning both results as plain arrays. */
async function both(f: () => tf.Tensor | tf.Tensor[]): Promise<[Float32Array[], Float32Array[], number[][]]> {
  const run = async (b: 'cpu' | 'native'): Promise<[Float32Array[], number[][]]> => {
    await initBackend({ backend: b });
    const before = tf.memory().numTensors;
    const r = tf.tidy(f);
    const ts = Array.isArray(r) ? r : [r];
    const out = ts.map((t) => Float32Array.from(t.dataSync()));
    const shapes = ts.map((t) => t.shape);
    tf.dispose(ts);
    assert.equal(tf.memory().numTensors, before, `no tensor leak on ${b}`);
    return [out, shapes];
  };
  const [ref, refShapes] = await run('cpu');
  const [nat, natShapes] = await run('native');
  assert.deepEqual(natShapes, refShapes);
  return [ref, nat, natShapes];
}

test('binary ops with broadcasting match cpu', { skip }, async () => {
  const s = spy(['binaryOp']);
  try {
    for (const [i, [sa, sb]] of BINARY.entries()) {
      const a = randomFloats(sa.reduce((x, y) => x * y, 1), 10 + i);
      const b = randomFloats(sb.reduce((x, y) => x * y, 1), 50 + i).map((v) => (v === 0 ? 0.5 : v));
      const [ref, nat] = await both(() => {
        const ta = tf.tensor(a, sa);
        const tb = tf.tensor(b, sb);
        return [tf.add(ta, tb), tf.sub(ta, tb), tf.mul(ta, tb), tf.div(ta, tb), tf.maximum(ta, tb), tf.minimum(ta, tb), tf.squaredDifference(ta, tb)];
      });
      ref.forEach((r, k) => assert.ok(maxRelErr(nat[k], r) < 1e-4, `[${sa}] op ${k} [${sb}]: ${maxRelErr(nat[k], r)}`));
    }
  } finally {
    s.restore();
  }
  assert.ok(nativeCases >= 4);
  assert.equal(s.calls.length, nativeCases * 7, 'every large binary op ran natively');
});

test('Sum over axes, Slice, Concat and SplitV match cpu', { skip }, async () => {
  const rng = makeRng(3);
  const s = spy(['sumMiddle', 'sliceCopy', 'concatChannels', 'splitChannels']);
  try {
    for (let t = 0; t < 12; t++) {
      const rank = 1 + Math.floor(rng() * 4);
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(rng() * 7));
      const n = shape.reduce((x, y) => x * y, 1);
      const data = randomFloats(n, 100 + t);
      const axis = Math.floor(rng() * rank);
      const begin = shape.map((d) => Math.floor(rng() * d));
      const size = shape.map((d, k) => 1 + Math.floor(rng() * (d - begin[k])));
      const cut = Math.floor(rng() * shape[axis]);
      const [ref, nat] = await both(() => {
        const x = tf.tensor(data, shape);
        const y = tf.tensor(randomFloats(n, 200 + t), shape);
        const split = cut > 0 ? tf.split(x, [cut, shape[axis] - cut], axis) : [x];
        return [tf.sum(x), tf.sum(x, axis), tf.sum(x, axis, true), tf.sum(x, [0, rank - 1].filter((v, k, a) => a.indexOf(v) === k)), tf.slice(x, begin, size), tf.concat([x, y, x], axis), ...split];
      });
      ref.forEach((r, k) => assert.ok(maxRelErr(nat[k], r) < 1e-4, `shape [${shape}] axis ${axis}: result ${k} ${maxRelErr(nat[k], r)}`));
    }
    // A large column sum (the BN-style reduction over N*H*W) in the multi-threaded path.
    const big = randomFloats(8 * 40 * 40 * 16, 7);
    const [ref, nat] = await both(() => tf.sum(tf.tensor(big, [8, 40, 40, 16]), [0, 1, 2]));
    assert.ok(maxRelErr(nat[0], ref[0]) < 1e-4);
  } finally {
    s.restore();
  }
  for (const k of ['sumMiddle', 'sliceCopy', 'concatChannels', 'splitChannels']) assert.ok(s.calls.includes(k), `${k} ran natively`);
});

/** Value and input gradient of sum(op(x) * weights). */
function valueAndGrad(op: (x: tf.Tensor4D) => tf.Tensor4D, x: Float32Array, shape: Shape, seed: number): tf.Tensor[] {
  const xt = tf.tensor4d(x, shape as [number, number, number, number]);
  const y = op(xt);
  const w = tf.tensor(randomFloats(y.size, seed), y.shape);
  const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(op(a as tf.Tensor4D), w)))(xt);
  return [y, g];
}

test('BatchMatMul (transposes, batches, a broadcast batch) runs on oneDNN sgemm and matches cpu', { skip }, async () => {
  const s = spy(['matmul']);
  const cases: [Shape, Shape, boolean, boolean][] = [
    [[300, 71], [71, 7], false, false], [[300, 7], [71, 7], false, true], [[71, 300], [71, 7], true, false],
    [[3, 9, 5], [3, 5, 4], false, false], [[2, 3, 9, 5], [5, 4], false, false], [[5, 4], [3, 6, 5], true, true],
  ];
  try {
    for (const [i, [sa, sb, ta, tb]] of cases.entries()) {
      const a = randomFloats(sa.reduce((x, y) => x * y, 1), 700 + i);
      const b = randomFloats(sb.reduce((x, y) => x * y, 1), 800 + i);
      const [ref, nat] = await both(() => tf.matMul(tf.tensor(a, sa), tf.tensor(b, sb), ta, tb));
      assert.ok(maxRelErr(nat[0], ref[0]) < 1e-4, `[${sa}]${ta ? 'T' : ''} x [${sb}]${tb ? 'T' : ''}`);
    }
  } finally {
    s.restore();
  }
  assert.equal(s.calls.length, cases.length, 'every matmul ran natively');
});

test('native maxPoolSame and its gradient match the separable reference, ties included', { skip }, async () => {
  const { maxPoolSameNative } = await import('../../src/project/backend/native/pool-upsample');
  const cases: { shape: Shape; k: number; ties: boolean }[] = [
    { shape: [2, 7, 6, 5], k: 5, ties: false }, { shape: [3, 2, 2, 4], k: 5, ties: true },
    { shape: [2, 9, 8, 3], k: 3, ties: true }, { shape: [1, 5, 11, 6], k: 5, ties: true },
  ];
  for (const [i, c] of cases.entries()) {
    const n = c.shape.reduce((a, b) => a * b, 1);
    // Few distinct values make ties in most windows: the gradient must go where the reference sends it.
    const x = randomFloats(n, 300 + i).map((v) => (c.ties ? Math.round(v * 2) : v));
    const run = async (b: 'cpu' | 'native'): Promise<Float32Array[]> => {
      await initBackend({ backend: b });
      const op = b === 'cpu' ? (t: tf.Tensor4D) => maxPoolSameSeparable(t, c.k) : (t: tf.Tensor4D) => maxPoolSameNative(t, c.k);
      const r = tf.tidy(() => valueAndGrad(op, x, c.shape, 400 + i));
      const out = r.map((t) => Float32Array.from(t.dataSync()));
      tf.dispose(r);
      return out;
    };
    const ref = await run('cpu');
    const nat = await run('native');
    assert.ok(maxRelErr(nat[0], ref[0]) < 1e-6, `[${c.shape}] k ${c.k}: values`);
    assert.ok(maxRelErr(nat[1], ref[1]) < 1e-5, `[${c.shape}] k ${c.k}: gradient ${maxRelErr(nat[1], ref[1])}`);
  }
});

test('native upsample2x and its gradient match the reference', { skip }, async () => {
  const { upsample2xNative } = await import('../../src/project/backend/native/pool-upsample');
  for (const [i, shape] of [[2, 3, 4, 5], [1, 1, 1, 3], [3, 5, 2, 8]].entries()) {
    const x = randomFloats(shape.reduce((a, b) => a * b, 1), 500 + i);
    const run = async (b: 'cpu' | 'native'): Promise<Float32Array[]> => {
      await initBackend({ backend: b });
      const before = tf.memory().numTensors;
      const r = tf.tidy(() => valueAndGrad(b === 'cpu' ? referenceOps.upsample2x : upsample2xNative, x, shape, 600 + i));
      const out = r.map((t) => Float32Array.from(t.dataSync()));
      tf.dispose(r);
      assert.equal(tf.memory().numTensors, before, 'no tensor leak');
      return out;
    };
    const ref = await run('cpu');
    const nat = await run('native');
    assert.ok(maxRelErr(nat[0], ref[0]) < 1e-6, `[${shape}]: values`);
    assert.ok(maxRelErr(nat[1], ref[1]) < 1e-5, `[${shape}]: gradient`);
  }
});
