import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { ConvBnAct, ops, referenceOps } from '../../src/project/backend/ops';
import { addonUnavailable } from '../../src/project/backend/native/addon';
import { maxRelErr, randomFloats } from './wasm-reference';

/**
 * The native engine's ops (on the `native` backend) against the reference ops on the cpu backend:
 * outputs, gradients for every input, running statistics, list inputs, eval mode; plus plain tfjs
  * convs routed to oneDNN by the registered kernels (tfjs cannot differentiate dilated convs, so dilation is
 * covered against plain loops in native-primitives.test.ts). Skips with the reason when the addon is not built.
 */
const skip = addonUnavailable();

interface BlockSpec { n: number; h: number; w: number; parts: number[]; cout: number; k: number; stride: number; dilation: number; act: boolean }

const BLOCKS: BlockSpec[] = [
  { n: 2, h: 12, w: 10, parts: [3], cout: 8, k: 3, stride: 2, dilation: 1, act: true },
  { n: 3, h: 9, w: 9, parts: [4, 4, 5], cout: 6, k: 1, stride: 1, dilation: 1, act: true },
  { n: 2, h: 11, w: 8, parts: [5], cout: 7, k: 5, stride: 1, dilation: 1, act: false },
  { n: 1, h: 14, w: 14, parts: [6, 2], cout: 5, k: 7, stride: 2, dilation: 1, act: true },
];

function makeBlock(s: BlockSpec, seed: number): ConvBnAct {
  const cin = s.parts.reduce((a, b) => a + b, 0);
  const fan = s.k * s.k * cin;
  const v = (t: tf.Tensor, trainable = true): tf.Variable => {
    const r = tf.variable(t, trainable);
    t.dispose();
    return r;
  };
  return {
    w: v(tf.tensor4d(randomFloats(fan * s.cout, seed).map((x) => x / Math.sqrt(fan)), [s.k, s.k, cin, s.cout])),
    gamma: v(tf.tensor1d(randomFloats(s.cout, seed + 1).map((x) => 1 + 0.3 * x))),
    beta: v(tf.tensor1d(randomFloats(s.cout, seed + 2).map((x) => 0.2 * x))),
    runningMean: v(tf.tensor1d(randomFloats(s.cout, seed + 3)), false),
    runningVar: v(tf.tensor1d(randomFloats(s.cout, seed + 4).map((x) => 1.5 + x)), false),
    stride: s.stride, pad: Math.floor(s.k / 2) * s.dilation, dilation: s.dilation, act: s.act, eps: 1e-3, momentum: 0.03,
  };
}

interface BlockRun { y: Float32Array; yEval: Float32Array; grads: Float32Array[]; stats: Float32Array }

/** Forward (training) with a weighted-sum loss, gradients for inputs and parameters, then eval mode. */
function runBlock(s: BlockSpec, impl: (x: tf.Tensor4D | tf.Tensor4D[], p: ConvBnAct, t: boolean) => tf.Tensor4D): BlockRun {
  const p = makeBlock(s, 17);
  const xs = s.parts.map((c, i) => tf.tensor4d(randomFloats(s.n * s.h * s.w * c, 40 + i).map((v) => 2 * v + 0.5), [s.n, s.h, s.w, c]));
  const input = xs.length === 1 ? xs[0] : xs;
  const yt = impl(input, makeBlock(s, 17), true); // a throw-away run: the output shape for the loss weights
  const lossW = tf.tensor(randomFloats(yt.size, 99), yt.shape);
  yt.dispose();
  const f = (...args: tf.Tensor[]): tf.Scalar => {
    const ins = args.slice(0, xs.length) as tf.Tensor4D[];
    const y = impl(ins.length === 1 ? ins[0] : ins, p, true);
    return tf.sum(tf.mul(y, lossW));
  };
  const y = tf.tidy(() => impl(input, makeBlock(s, 17), true)); // same parameters, own running stats
  const { grads } = tf.variableGrads(() => f(...xs), [p.w, p.gamma, p.beta]);
  const dxs = tf.grads((...ins: tf.Tensor[]) => f(...ins))(xs);
  const stats = Float32Array.from([...p.runningMean.dataSync(), ...p.runningVar.dataSync()]);
  const yEval = tf.tidy(() => impl(input, p, false));
  const out: BlockRun = {
    y: y.dataSync().slice() as Float32Array,
    yEval: yEval.dataSync().slice() as Float32Array,
    grads: [...dxs, grads[p.w.name], grads[p.gamma.name], grads[p.beta.name]].map((g) => g.dataSync().slice() as Float32Array),
    stats,
  };
  tf.dispose([y, yEval, lossW, ...xs, ...dxs, ...Object.values(grads)]);
  return out;
}

test('native convBnAct matches the reference (training output, every gradient, running stats, eval mode)', { skip }, async () => {
  const { convBnActNative } = await import('../../src/project/backend/native/conv-bn-act');
  for (const s of BLOCKS) {
    await initBackend({ backend: 'cpu' });
    const ref = runBlock(s, referenceOps.convBnAct);
    tf.disposeVariables();
    await initBackend({ backend: 'native' });
    const nat = runBlock(s, convBnActNative);
    tf.disposeVariables();
    const label = `parts [${s.parts}] k ${s.k} stride ${s.stride} dil ${s.dilation} act ${s.act}`;
    assert.ok(maxRelErr(nat.y, ref.y) < 1e-4, `${label}: output`);
    assert.ok(maxRelErr(nat.yEval, ref.yEval) < 1e-4, `${label}: eval output ${maxRelErr(nat.yEval, ref.yEval)}`);
    assert.ok(maxRelErr(nat.stats, ref.stats) < 1e-5, `${label}: running stats`);
    assert.equal(nat.grads.length, ref.grads.length);
    nat.grads.forEach((g, i) => assert.ok(maxRelErr(g, ref.grads[i]) < 1e-4, `${label}: gradient ${i} ${maxRelErr(g, ref.grads[i])}`));
  }
});

test('native conv2dBias matches the reference with gradients for x, w and b', { skip }, async () => {
  const { conv2dBiasNative } = await import('../../src/project/backend/native/conv-bias');
  const run = async (backend: 'cpu' | 'native'): Promise<Float32Array[]> => {
    await initBackend({ backend });
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(randomFloats(2 * 6 * 5 * 8, 1), [2, 6, 5, 8]);
    const w = tf.tensor4d(randomFloats(8 * 11, 2), [1, 1, 8, 11]);
    const b = tf.tensor1d(randomFloats(11, 3));
    const lw = tf.tensor(randomFloats(2 * 6 * 5 * 11, 4), [2, 6, 5, 11]);
    const impl = backend === 'native' ? conv2dBiasNative : referenceOps.conv2dBias;
    const f = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor): tf.Scalar => tf.sum(tf.mul(impl(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D, 1, 0), lw));
    const { value, grads } = tf.valueAndGrads(f)([x, w, b]);
    const out = [value, ...grads].map((t) => t.dataSync().slice() as Float32Array);
    tf.dispose([x, w, b, lw, value, ...grads]);
    assert.equal(tf.memory().numTensors, before, `no tensor leak on ${backend}`);
    return out;
  };
  const ref = await run('cpu');
  const nat = await run('native');
  nat.forEach((v, i) => assert.ok(maxRelErr(v, ref[i]) < 1e-4, `output/gradient ${i}`));
});

test('plain tfjs convs and their gradients on the native backend go through oneDNN and match cpu', { skip }, async () => {
  const { loadAddon } = await import('../../src/project/backend/native/addon');
  const cases: { pad: 'same' | 'valid' | number; stride: number; dil: number; k: number }[] = [
    { pad: 'same', stride: 2, dil: 1, k: 3 }, { pad: 'valid', stride: 1, dil: 1, k: 2 }, { pad: 2, stride: 1, dil: 1, k: 5 }, { pad: 'same', stride: 1, dil: 1, k: 4 },
  ];
  for (const c of cases) {
    const run = async (backend: 'cpu' | 'native'): Promise<Float32Array[]> => {
      await initBackend({ backend });
      const x = tf.tensor4d(randomFloats(2 * 10 * 9 * 3, 5), [2, 10, 9, 3]);
      const w = tf.tensor4d(randomFloats(c.k * c.k * 3 * 4, 6), [c.k, c.k, 3, 4]);
      const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dil)));
      const { value, grads } = tf.valueAndGrads(f)([x, w]);
      const out = [value, ...grads].map((t) => t.dataSync().slice() as Float32Array);
      tf.dispose([x, w, value, ...grads]);
      return out;
    };
    const ref = await run('cpu');
    const addon = loadAddon() as unknown as Record<string, (...a: unknown[]) => void>;
    const calls: string[] = [];
    const saved: Record<string, (...a: unknown[]) => void> = {};
    for (const name of ['convForward', 'convBackwardData', 'convBackwardWeights']) {
      saved[name] = addon[name];
      addon[name] = (...a: unknown[]) => {
        calls.push(name);
        return saved[name](...a);
      };
    }
    try {
      const nat = await run('native');
      nat.forEach((v, i) => assert.ok(maxRelErr(v, ref[i]) < 1e-4, `pad ${c.pad} stride ${c.stride} dil ${c.dil}: result ${i}`));
    } finally {
      Object.assign(addon, saved);
    }
    assert.deepEqual([...new Set(calls)].sort(), ['convBackwardData', 'convBackwardWeights', 'convForward'], `pad ${c.pad}: oneDNN ran every conv`);
  }
});

test('native convBnAct leaks no tensors: without tape, in eval, under variableGrads and input grads, list inputs', { skip }, async () => {
  const { convBnActNative } = await import('../../src/project/backend/native/conv-bn-act');
  await initBackend({ backend: 'native' });
  const s = BLOCKS[1];
  const p = makeBlock(s, 3);
  const xs = s.parts.map((c, i) => tf.tensor4d(randomFloats(s.n * s.h * s.w * c, i), [s.n, s.h, s.w, c]));
  const leak = (f: () => void): number => {
    const n0 = tf.memory().numTensors;
    f();
    return tf.memory().numTensors - n0;
  };
  assert.equal(leak(() => convBnActNative(xs, p, true).dispose()), 0, 'training forward without a tape');
  assert.equal(leak(() => convBnActNative(xs, p, false).dispose()), 0, 'eval');
  assert.equal(leak(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(convBnActNative(xs, p, true)), [p.w, p.gamma]);
    tf.dispose([value, ...Object.values(grads)]);
  }), 0, 'variableGrads (the input gradients are never asked for)');
  assert.equal(leak(() => tf.dispose(tf.grads((...a: tf.Tensor[]) => tf.sum(convBnActNative(a as tf.Tensor4D[], p, true)))(xs))), 0, 'input gradients');
  tf.dispose(xs);
  tf.disposeVariables();
});

test('eval after in-place updates (optimizer, EMA, running statistics) uses the new values, not a stale folded kernel', { skip }, async () => {
  const { fusedStep, fusedEmaUpdate } = await import('../../src/project/backend/native/optimizer-step');
  await initBackend({ backend: 'native' });
  const s = BLOCKS[0];
  const p = makeBlock(s, 5);
  const x = tf.tensor4d(randomFloats(s.n * s.h * s.w * s.parts[0], 6).map((v) => 2 * v + 0.5), [s.n, s.h, s.w, s.parts[0]]);
  const first = Float32Array.from(ops().convBnAct(x, p, false).dataSync()); // caches the folded kernel
  // in place, keeping every dataId: a training forward (running statistics), a fused SGD step (w), an EMA update (gamma)
  tf.dispose(ops().convBnAct(x, p, true));
  const slot = tf.tidy(() => tf.variable(tf.zerosLike(p.w), false));
  fusedStep('SGD', p.w, [slot], tf.tensor(randomFloats(p.w.size, 7), p.w.shape), [0.5, 0.9, 0, 1]);
  fusedEmaUpdate(p.gamma, tf.tensor(randomFloats(p.gamma.size, 8), p.gamma.shape), 0.5);
  const after = Float32Array.from(ops().convBnAct(x, p, false).dataSync());
  // the reference eval on cpu with the variables' current values
  const vals = [p.w, p.gamma, p.beta, p.runningMean, p.runningVar].map((v) => Float32Array.from(v.dataSync()));
  const xData = Float32Array.from(x.dataSync());
  await initBackend({ backend: 'cpu' });
  const q = makeBlock(s, 5);
  [q.w, q.gamma, q.beta, q.runningMean, q.runningVar].forEach((v, i) => v.assign(tf.tensor(vals[i], v.shape)));
  const want = referenceOps.convBnAct(tf.tensor4d(xData, x.shape), q, false).dataSync();
  assert.ok(maxRelErr(after, want) < 1e-4, `eval after the updates differs from the reference: ${maxRelErr(after, want)}`);
  assert.ok(maxRelErr(first, want) > 1e-2, 'the updates changed the output (so the check above can fail)');
});
