import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import '../../src/project/backend/ops';
import { convGradFilterRef, convGradInputRef, convRef, Geo, makeRng, maxRelErr, randomFloats } from './wasm-reference';

type PadSpec = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

interface Case {
  n: number; h: number; w: number; ci: number; co: number; kh: number; kw: number;
  s: number; d: number; pad: PadSpec;
}

/** Geometry of a case computed from tfjs' documented pad rules, independently of the engine. */
function geometry(c: Case): Geo {
  const ekh = (c.kh - 1) * c.d + 1;
  const ekw = (c.kw - 1) * c.d + 1;
  if (c.pad === 'valid') {
    return { sh: c.s, sw: c.s, dh: c.d, dw: c.d, top: 0, left: 0, ho: Math.ceil((c.h - ekh + 1) / c.s), wo: Math.ceil((c.w - ekw + 1) / c.s) };
  }
  if (c.pad === 'same') {
    const ho = Math.ceil(c.h / c.s);
    const wo = Math.ceil(c.w / c.s);
    const ph = Math.max((ho - 1) * c.s + ekh - c.h, 0);
    const pw = Math.max((wo - 1) * c.s + ekw - c.w, 0);
    return { sh: c.s, sw: c.s, dh: c.d, dw: c.d, top: Math.floor(ph / 2), left: Math.floor(pw / 2), ho, wo };
  }
  const [, [t, b], [l, r]] = c.pad;
  return {
    sh: c.s, sw: c.s, dh: c.d, dw: c.d, top: t, left: l,
    ho: Math.floor((c.h + t + b - ekh) / c.s) + 1, wo: Math.floor((c.w + l + r - ekw) / c.s) + 1,
  };
}

function randomCases(count: number, seed: number): Case[] {
  const rnd = makeRng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const out: Case[] = [];
  while (out.length < count) {
    const k = int(1, 7);
    const s = rnd() < 0.5 ? 1 : 2;
    // tfjs forbids stride > 1 with dilation > 1.
    const d = s === 1 && rnd() < 0.3 ? 2 : 1;
    const kind = int(0, 2);
    const pad: PadSpec = kind === 0 ? 'same' : kind === 1 ? 'valid' : [[0, 0], [int(0, 3), int(0, 3)], [int(0, 3), int(0, 3)], [0, 0]];
    const c: Case = {
      n: int(1, 3), h: int(5, 13), w: int(5, 13), ci: int(1, 9), co: int(1, 9),
      kh: k, kw: rnd() < 0.7 ? k : int(1, 7), s, d, pad,
    };
    const g = geometry(c);
    if (g.ho >= 1 && g.wo >= 1) out.push(c);
  }
  // The shapes that matter most, always present: YOLO's 3x3 stride 2 with pad 1, even and odd sizes.
  out.push({ n: 2, h: 10, w: 10, ci: 4, co: 6, kh: 3, kw: 3, s: 2, d: 1, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] });
  out.push({ n: 3, h: 9, w: 11, ci: 5, co: 3, kh: 3, kw: 3, s: 2, d: 1, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] });
  out.push({ n: 2, h: 8, w: 8, ci: 3, co: 4, kh: 1, kw: 1, s: 2, d: 1, pad: 'valid' });
  return out;
}

const TOL = 1e-4;
const cases = randomCases(60, 20240611);

before(async () => {
  await initBackend({ backend: 'wasm' });
});

function describe(c: Case): string {
  return `n${c.n} ${c.h}x${c.w}x${c.ci}->${c.co} k${c.kh}x${c.kw} s${c.s} d${c.d} pad ${JSON.stringify(c.pad)}`;
}

test('the registered kernels are active on wasm', () => {
  assert.equal(tf.getBackend(), 'wasm');
  for (const k of [tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput, tf.UnsortedSegmentSum]) {
    assert.ok(tf.getKernel(k, 'wasm'), `${k} registered`);
  }
});

test('Conv2DBackpropFilter and Conv2DBackpropInput match plain loops on random shapes (1e-4 relative)', () => {
  const before = tf.memory().numTensors;
  const strides = new Set<number>();
  const pads = new Set<string>();
  for (const [i, c] of cases.entries()) {
    const g = geometry(c);
    const xs: [number, number, number, number] = [c.n, c.h, c.w, c.ci];
    const ws: [number, number, number, number] = [c.kh, c.kw, c.ci, c.co];
    const xv = randomFloats(xs.reduce((a, b) => a * b), 100 + i);
    const wv = randomFloats(ws.reduce((a, b) => a * b), 200 + i);
    const dyv = randomFloats(c.n * g.ho * g.wo * c.co, 300 + i);
    tf.tidy(() => {
      const x = tf.tensor4d(xv, xs);
      const w = tf.tensor4d(wv, ws);
      const dy = tf.tensor4d(dyv, [c.n, g.ho, g.wo, c.co]);
      const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', dilations: c.d } as unknown as tf.NamedAttrMap;
      const y = tf.conv2d(x, w, c.s, c.pad as 'same', 'NHWC', c.d);
      assert.deepEqual(y.shape, [c.n, g.ho, g.wo, c.co], `forward shape ${describe(c)}`);
      assert.ok(maxRelErr(y.dataSync(), convRef(xv, xs, wv, ws, g)) < TOL, `forward ${describe(c)}`);
      const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: ws }) as tf.Tensor;
      assert.deepEqual(dw.shape, ws);
      const ew = maxRelErr(dw.dataSync(), convGradFilterRef(xv, dyv, xs, ws, g));
      assert.ok(ew < TOL, `dW ${describe(c)}: ${ew}`);
      const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, { ...attrs, inputShape: xs }) as tf.Tensor;
      assert.deepEqual(dx.shape, xs);
      const ex = maxRelErr(dx.dataSync(), convGradInputRef(dyv, wv, xs, ws, g));
      assert.ok(ex < TOL, `dX ${describe(c)}: ${ex}`);
    });
    strides.add(c.s);
    pads.add(typeof c.pad === 'string' ? c.pad : 'explicit');
  }
  assert.deepEqual([...strides].sort(), [1, 2]);
  assert.deepEqual([...pads].sort(), ['explicit', 'same', 'valid']);
  assert.ok(cases.some((c) => c.d > 1) && cases.some((c) => c.n > 1) && cases.some((c) => c.kh === 7) && cases.some((c) => c.kh === 1));
  assert.equal(tf.memory().numTensors, before, 'no tensor leak');
});

test('tf.grads of tf.conv2d runs through the registered kernels and matches the loops', () => {
  const c: Case = { n: 2, h: 9, w: 8, ci: 3, co: 5, kh: 3, kw: 3, s: 2, d: 1, pad: 'same' };
  const g = geometry(c);
  const xs: [number, number, number, number] = [c.n, c.h, c.w, c.ci];
  const ws: [number, number, number, number] = [c.kh, c.kw, c.ci, c.co];
  const xv = randomFloats(c.n * c.h * c.w * c.ci, 1);
  const wv = randomFloats(c.kh * c.kw * c.ci * c.co, 2);
  const dyv = randomFloats(c.n * g.ho * g.wo * c.co, 3);
  const before = tf.memory().numTensors;
  const [dx, dw] = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'))(
    [tf.tensor4d(xv, xs), tf.tensor4d(wv, ws)],
    tf.tensor4d(dyv, [c.n, g.ho, g.wo, c.co]),
  );
  assert.ok(maxRelErr(dx.dataSync(), convGradInputRef(dyv, wv, xs, ws, g)) < TOL);
  assert.ok(maxRelErr(dw.dataSync(), convGradFilterRef(xv, dyv, xs, ws, g)) < TOL);
  tf.dispose([dx, dw]);
  assert.ok(tf.memory().numTensors - before <= 3, 'only the three inputs remain');
});

test('UnsortedSegmentSum (the gather gradient) matches a loop, dropping out-of-range ids', () => {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const xv = randomFloats(7 * 3 * 2, 9);
    const ids = [2, 0, 2, -1, 4, 1, 9];
    const out = tf.unsortedSegmentSum(tf.tensor3d(xv, [7, 3, 2]), tf.tensor1d(ids, 'int32'), 5);
    const ref = new Float64Array(5 * 6);
    ids.forEach((s, i) => { if (s >= 0 && s < 5) for (let j = 0; j < 6; j++) ref[s * 6 + j] += xv[i * 6 + j]; });
    assert.deepEqual(out.shape, [5, 3, 2]);
    assert.ok(maxRelErr(out.dataSync(), ref) < 1e-6);
    // gather's gradient on wasm: rows picked twice get twice the upstream gradient.
    const p = tf.tensor2d(randomFloats(12, 4), [4, 3]);
    const gp = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d([3, 1, 3], 'int32')), tf.tensor1d([1, 2, 3]))))(p);
    assert.deepEqual(Array.from(gp.dataSync()), [0, 0, 0, 1, 2, 3, 0, 0, 0, 2, 4, 6]);
  });
  assert.equal(tf.memory().numTensors, before);
});
