import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { ConvBnAct, referenceOps } from '../../src/project/backend/ops';
import { convBnActWasm } from '../../src/project/backend/wasm/conv-bn-act';
import { maxRelErr, randomFloats } from './wasm-reference';

/** The fast Conv+BN+SiLU against the reference ops (autodiff through tfjs ops), both on wasm. */
interface Case { k: number; stride: number; dilation: number; act: boolean; parts: number[]; cout: number; n: number; hw: number; training: boolean }

const CASES: Case[] = [
  { k: 3, stride: 1, dilation: 1, act: true, parts: [5], cout: 7, n: 2, hw: 9, training: true },
  { k: 3, stride: 2, dilation: 1, act: true, parts: [4], cout: 6, n: 3, hw: 11, training: true },
  { k: 1, stride: 1, dilation: 1, act: false, parts: [3, 2, 4], cout: 5, n: 2, hw: 8, training: true },
  { k: 5, stride: 1, dilation: 2, act: true, parts: [3], cout: 4, n: 2, hw: 12, training: true },
  { k: 7, stride: 2, dilation: 1, act: true, parts: [2, 3], cout: 4, n: 2, hw: 14, training: true },
  { k: 3, stride: 1, dilation: 1, act: true, parts: [4, 4], cout: 6, n: 2, hw: 8, training: false },
];

function params(c: Case, seed: number): ConvBnAct {
  const cin = c.parts.reduce((a, b) => a + b, 0);
  const v = (t: tf.Tensor, trainable = true) => { const r = tf.variable(t, trainable); t.dispose(); return r; };
  return {
    w: v(tf.tensor4d(randomFloats(c.k * c.k * cin * c.cout, seed), [c.k, c.k, cin, c.cout])),
    gamma: v(tf.tensor1d(randomFloats(c.cout, seed + 1).map((x) => 1 + 0.5 * x))),
    beta: v(tf.tensor1d(randomFloats(c.cout, seed + 2))),
    runningMean: v(tf.tensor1d(randomFloats(c.cout, seed + 3).map((x) => 0.1 * x)), false),
    runningVar: v(tf.tensor1d(randomFloats(c.cout, seed + 4).map((x) => 1 + 0.5 * x)), false),
    stride: c.stride, pad: Math.floor(c.k / 2) * c.dilation, dilation: c.dilation, act: c.act, eps: 1e-3, momentum: 0.03,
  };
}

/**
 * tfjs cannot differentiate a dilated conv, so the reference sees an equivalent undilated one: the kernel
 * with d-1 zeros between taps, built with differentiable ops (stack with zeros, reshape, slice).
 */
function dilateKernel(w: tf.Tensor4D, d: number): tf.Tensor4D {
  if (d === 1) return w;
  const [k, , ci, co] = w.shape;
  const z = tf.zerosLike(w);
  const rows = tf.slice(tf.reshape(tf.stack([w, ...Array(d - 1).fill(z)], 1), [k * d, k, ci, co]), [0, 0, 0, 0], [(k - 1) * d + 1, k, ci, co]);
  const zr = tf.zerosLike(rows);
  const cols = tf.reshape(tf.stack([rows, ...Array(d - 1).fill(zr)], 2), [(k - 1) * d + 1, k * d, ci, co]);
  return tf.slice(cols, [0, 0, 0, 0], [(k - 1) * d + 1, (k - 1) * d + 1, ci, co]) as tf.Tensor4D;
}

const referenceConvBnAct = (x: tf.Tensor4D | tf.Tensor4D[], p: ConvBnAct, training: boolean): tf.Tensor4D =>
  p.dilation === 1
    ? referenceOps.convBnAct(x, p, training)
    : referenceOps.convBnAct(x, { ...p, w: dilateKernel(p.w as unknown as tf.Tensor4D, p.dilation) as unknown as tf.Variable, dilation: 1 }, training);

test('fast convBnAct matches referenceOps on wasm: values, all gradients, running stats, no leak', async () => {
  await initBackend({ backend: 'wasm' });
  const start = tf.memory().numTensors;
  for (const [i, c] of CASES.entries()) {
    const label = JSON.stringify(c);
    const xs = c.parts.map((ch, j) => tf.tensor4d(randomFloats(c.n * c.hw * c.hw * ch, 50 * i + j), [c.n, c.hw, c.hw, ch]));
    const dy = (shape: number[]) => tf.tensor(randomFloats(shape.reduce((a, b) => a * b, 1), 999 + i), shape);
    const results = [convBnActWasm, referenceConvBnAct].map((fn) => {
      const p = params(c, 10 * i);
      const before = tf.memory().numTensors;
      const f = (...args: tf.Tensor[]) => {
        const ins = args.slice(0, xs.length) as tf.Tensor4D[];
        const y = fn(ins.length === 1 ? ins[0] : ins, p, c.training);
        return tf.sum(tf.mul(y, dy(y.shape))) as tf.Scalar;
      };
      const { value, grads } = tf.valueAndGrads(f)([...xs, p.w, p.gamma, p.beta]);
      const out = {
        value: value.dataSync()[0],
        grads: grads.map((g) => g.dataSync()),
        stats: [...p.runningMean.dataSync(), ...p.runningVar.dataSync()],
      };
      tf.dispose([value, ...grads]);
      assert.equal(tf.memory().numTensors, before, `no leak ${label}`);
      tf.dispose([p.w, p.gamma, p.beta, p.runningMean, p.runningVar]);
      return out;
    });
    const [fast, ref] = results;
    assert.ok(Math.abs(fast.value - ref.value) <= 1e-4 * Math.max(1, Math.abs(ref.value)), `value ${label}`);
    fast.grads.forEach((g, j) => assert.ok(maxRelErr(g, ref.grads[j]) < 1e-4, `grad ${j} ${label}: ${maxRelErr(g, ref.grads[j])}`));
    assert.ok(maxRelErr(fast.stats, ref.stats) < 1e-5, `running stats ${label}`);
    tf.dispose(xs);
  }
  assert.equal(tf.memory().numTensors, start);
});
