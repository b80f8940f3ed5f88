import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import '../../src/project/backend/ops';
import { KernelCaller } from '../../src/project/backend/wasm/kernel-call';
import { conv2dBackpropFilterInfo } from '../../src/project/backend/wasm/conv-filter-grad';
import { convGeometry } from '../../src/project/backend/wasm/conv-geometry';
import { conv2dBackpropInputInfo } from '../../src/project/backend/wasm/conv-input-grad';
import { channelMean } from '../../src/project/backend/wasm/conv-bn-act';
import { convGradFilterRef, convGradInputRef, Geo, maxRelErr, randomFloats } from './wasm-reference';

/**
 * The paths of the wasm conv gradients that the random-shape test in wasm-kernels.test.ts does not reach:
 * unequal strides (the per-phase dX fallback), stride 3 (a 3x3 phase grid in one conv), im2col split into
 * tap groups, sizes that are not stride multiples, and the pooled channel mean of the BN statistics.
 */
const TOL = 1e-4;

before(async () => {
  await initBackend({ backend: 'wasm' });
});

interface Case { n: number; h: number; w: number; ci: number; co: number; kh: number; kw: number; sh: number; sw: number; pad: [number, number, number, number] }

function geo(c: Case): Geo {
  const [t, b, l, r] = c.pad;
  return { sh: c.sh, sw: c.sw, dh: 1, dw: 1, top: t, left: l, ho: Math.floor((c.h + t + b - c.kh) / c.sh) + 1, wo: Math.floor((c.w + l + r - c.kw) / c.sw) + 1 };
}

const cases: Case[] = [
  { n: 2, h: 9, w: 10, ci: 3, co: 4, kh: 3, kw: 3, sh: 2, sw: 1, pad: [1, 1, 1, 1] },
  { n: 1, h: 8, w: 11, ci: 2, co: 5, kh: 3, kw: 2, sh: 1, sw: 2, pad: [0, 2, 1, 0] },
  { n: 2, h: 13, w: 12, ci: 4, co: 3, kh: 5, kw: 4, sh: 3, sw: 3, pad: [2, 1, 0, 2] },
  { n: 3, h: 7, w: 7, ci: 5, co: 2, kh: 3, kw: 3, sh: 2, sw: 2, pad: [0, 0, 0, 0] },
  { n: 2, h: 10, w: 10, ci: 6, co: 7, kh: 1, kw: 1, sh: 1, sw: 1, pad: [1, 0, 0, 1] },
];

function describe(c: Case): string {
  return `n${c.n} ${c.h}x${c.w}x${c.ci}->${c.co} k${c.kh}x${c.kw} s${c.sh},${c.sw} pad ${c.pad.join(',')}`;
}

test('conv gradients on wasm: unequal strides, stride 3, non-multiple sizes, im2col in tap groups (1e-4 relative)', () => {
  const k = new KernelCaller(tf.backend(), 'wasm');
  const before = tf.memory().numTensors;
  for (const [i, c] of cases.entries()) {
    const g0 = geo(c);
    const xs: [number, number, number, number] = [c.n, c.h, c.w, c.ci];
    const ws: [number, number, number, number] = [c.kh, c.kw, c.ci, c.co];
    const xv = randomFloats(c.n * c.h * c.w * c.ci, 10 + i);
    const wv = randomFloats(c.kh * c.kw * c.ci * c.co, 20 + i);
    const dyv = randomFloats(c.n * g0.ho * g0.wo * c.co, 30 + i);
    tf.tidy(() => {
      const x = tf.tensor4d(xv, xs);
      const w = tf.tensor4d(wv, ws);
      const dy = tf.tensor4d(dyv, [c.n, g0.ho, g0.wo, c.co]);
      const pad = [[0, 0], [c.pad[0], c.pad[1]], [c.pad[2], c.pad[3]], [0, 0]];
      const g = convGeometry(xs, ws, [c.sh, c.sw], 1, pad);
      assert.deepEqual([g.outHeight, g.outWidth], [g0.ho, g0.wo], describe(c));
      const refW = convGradFilterRef(xv, dyv, xs, ws, g0);
      // every tap group size from one tap per GEMM to all taps in one
      for (const limit of [1, c.ci * c.n * g0.ho * g0.wo * 2, 1 << 25]) {
        const dw = conv2dBackpropFilterInfo(k, x, dy, ws, g, limit);
        assert.deepEqual(dw.shape, ws);
        const e = maxRelErr(k.heapView(dw), refW);
        k.free(dw);
        assert.ok(e < TOL, `dW ${describe(c)} limit ${limit}: ${e}`);
      }
      const dx = conv2dBackpropInputInfo(k, dy, w, xs, g);
      assert.deepEqual(dx.shape, xs);
      const e = maxRelErr(k.heapView(dx), convGradInputRef(dyv, wv, xs, ws, g0));
      k.free(dx);
      assert.ok(e < TOL, `dX ${describe(c)}: ${e}`);
    });
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leak');
});

test('channelMean (one average pool over the whole map) equals the mean over N, H, W', () => {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const v = randomFloats(3 * 7 * 5 * 6, 4);
    const t = tf.tensor4d(v, [3, 7, 5, 6]);
    const ref = new Float64Array(6);
    for (let i = 0; i < v.length; i++) ref[i % 6] += v[i] / (3 * 7 * 5);
    const m = channelMean(t);
    assert.deepEqual(m.shape, [6]);
    assert.ok(maxRelErr(m.dataSync(), ref) < 1e-5);
  });
  assert.equal(tf.memory().numTensors, before);
});
