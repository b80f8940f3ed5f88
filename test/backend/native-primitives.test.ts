import { test } from 'node:test';
import * as fs from 'node:fs';
import * as assert from 'node:assert/strict';
import { addonUnavailable, loadAddon } from '../../src/project/backend/native/addon';
import { convGeometry } from '../../src/project/backend/native/geometry';
import { Geo, convGradFilterRef, convGradInputRef, convRef, makeRng, maxRelErr, randomFloats } from './wasm-reference';

/**
 * Each addon primitive against an independent plain-loop reference in float64 (wasm-reference.ts for
 * convolutions, the textbook formulas here for BN+SiLU), on seeded random shapes: strides 1 and 2,
 * padding, dilation, kernels 1..7, batch > 1. Skips with the reason when the addon is not built.
 */
const skip = addonUnavailable();
type Shape4 = [number, number, number, number];

interface Case { xs: Shape4; ws: Shape4; s: [number, number]; d: [number, number]; pads: [number, number, number, number] }

function randomCases(count: number, seed: number): Case[] {
  const rnd = makeRng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const cases: Case[] = [];
  while (cases.length < count) {
    const k = int(1, 7);
    const stride = int(1, 2);
    const dil = stride === 1 && k > 1 && rnd() < 0.3 ? 2 : 1;
    const pad = int(0, Math.floor(k / 2) * dil);
    const xs: Shape4 = [int(1, 3), int(k * dil, 13), int(k * dil, 11), int(1, 9)];
    const ws: Shape4 = [k, cases.length % 3 === 0 ? int(1, 7) : k, xs[3], int(1, 10)];
    // An asymmetric case now and then ('same' with even sizes needs one).
    const pads: [number, number, number, number] = rnd() < 0.2 ? [pad, 0, pad + 1, 1] : [pad, pad, pad, pad];
    cases.push({ xs, ws, s: [stride, stride], d: [dil, dil], pads });
  }
  return cases;
}

const geoOf = (c: Case, g: number[]): Geo => ({ sh: c.s[0], sw: c.s[1], dh: c.d[0], dw: c.d[1], top: c.pads[0], left: c.pads[1], ho: g[4], wo: g[5] });

test('oneDNN conv forward (with and without bias), backward-data and backward-weights match plain loops', { skip }, () => {
  const addon = loadAddon();
  const cases = randomCases(40, 1);
  cases.forEach((c, i) => {
    const g = convGeometry({ x: c.xs, w: c.ws, strides: c.s, dilations: c.d, pads: c.pads });
    const geo = geoOf(c, g);
    const x = randomFloats(c.xs.reduce((a, b) => a * b), 10 + i);
    const w = randomFloats(c.ws.reduce((a, b) => a * b), 100 + i);
    const ny = g[0] * g[4] * g[5] * g[6];
    const label = `case ${i}: x [${c.xs}] w [${c.ws}] stride ${c.s[0]} dil ${c.d[0]} pads [${c.pads}]`;

    const y = new Float32Array(ny);
    addon.convForward(g, x, w, null, 0, true, y);
    const yRef = convRef(x, c.xs, w, c.ws, geo);
    assert.ok(maxRelErr(y, yRef) < 1e-4, `${label}: forward ${maxRelErr(y, yRef)}`);

    const bias = randomFloats(c.ws[3], 200 + i);
    const yb = new Float32Array(ny);
    addon.convForward(g, x, w, bias, 0, false, yb);
    const ybRef = yRef.map((v, j) => v + bias[j % c.ws[3]]);
    assert.ok(maxRelErr(yb, ybRef) < 1e-4, `${label}: forward with bias`);

    const dy = randomFloats(ny, 300 + i);
    const dx = new Float32Array(x.length);
    addon.convBackwardData(g, dy, w, dx);
    assert.ok(maxRelErr(dx, convGradInputRef(dy, w, c.xs, c.ws, geo)) < 1e-4, `${label}: backward-data`);

    const dw = new Float32Array(w.length);
    const db = new Float32Array(c.ws[3]);
    addon.convBackwardWeights(g, x, dy, dw, db);
    assert.ok(maxRelErr(dw, convGradFilterRef(x, dy, c.xs, c.ws, geo)) < 1e-4, `${label}: backward-weights`);
    const dbRef = new Float64Array(c.ws[3]);
    dy.forEach((v, j) => (dbRef[j % c.ws[3]] += v));
    assert.ok(maxRelErr(db, dbRef) < 1e-4, `${label}: bias gradient`);
  });
});

test('oneDNN conv with SiLU post-op equals conv then x*sigmoid(x)', { skip }, () => {
  const addon = loadAddon();
  const xs: Shape4 = [2, 8, 8, 5];
  const ws: Shape4 = [3, 3, 5, 6];
  const g = convGeometry({ x: xs, w: ws, strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] });
  const x = randomFloats(2 * 64 * 5, 1);
  const w = randomFloats(9 * 30, 2);
  const b = randomFloats(6, 3);
  const y = new Float32Array(2 * 64 * 6);
  addon.convForward(g, x, w, b, 1, false, y);
  const ref = convRef(x, xs, w, ws, geoOf({ xs, ws, s: [1, 1], d: [1, 1], pads: [1, 1, 1, 1] }, g)).map((v, j) => {
    const z = v + b[j % 6];
    return z / (1 + Math.exp(-z));
  });
  assert.ok(maxRelErr(y, ref) < 1e-4);
});

test('3x3 convolutions on Winograd\'s shapes (AVX-512) match plain loops in all three passes', { skip }, () => {
  const addon = loadAddon();
  // Winograd is expected on AVX-512 CPUs unless turned off; elsewhere the direct kernels (the same checks hold).
  const off = process.env.TACO_NATIVE_WINOGRAD === '0';
  const avx512 = off ? false : fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8').includes('avx512f') : undefined;
  const cases: { xs: Shape4; co: number }[] = [
    { xs: [2, 20, 20, 32], co: 48 },
    { xs: [1, 23, 21, 64], co: 32 },
  ];
  cases.forEach(({ xs, co }, i) => {
    const ws: Shape4 = [3, 3, xs[3], co];
    const g = convGeometry({ x: xs, w: ws, strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] });
    const label = `x [${xs}] w [${ws}]`;
    for (const pass of ['f', 'd', 'w'] as const) {
      const impl = addon.convImpl(g, pass);
      if (avx512 === true) assert.match(impl, /wino/, `${label}: pass ${pass} runs ${impl}`);
      if (avx512 === false) assert.doesNotMatch(impl, /wino/, `${label}: pass ${pass}`);
    }
    const geo = geoOf({ xs, ws, s: [1, 1], d: [1, 1], pads: [1, 1, 1, 1] }, g);
    const x = randomFloats(xs.reduce((a, b) => a * b), 700 + i);
    const w = randomFloats(ws.reduce((a, b) => a * b), 800 + i);
    const dy = randomFloats(xs[0] * xs[1] * xs[2] * co, 900 + i);
    const y = new Float32Array(dy.length);
    addon.convForward(g, x, w, null, 0, true, y);
    assert.ok(maxRelErr(y, convRef(x, xs, w, ws, geo)) < 1e-4, `${label}: forward`);
    const dx = new Float32Array(x.length);
    addon.convBackwardData(g, dy, w, dx);
    assert.ok(maxRelErr(dx, convGradInputRef(dy, w, xs, ws, geo)) < 1e-4, `${label}: backward-data`);
    const dw = new Float32Array(w.length);
    addon.convBackwardWeights(g, x, dy, dw, null);
    assert.ok(maxRelErr(dw, convGradFilterRef(x, dy, xs, ws, geo)) < 1e-4, `${label}: backward-weights`);
    // Both passes in one call (dy reordered once) give the separate calls' results exactly.
    const dx2 = new Float32Array(x.length);
    const dw2 = new Float32Array(w.length);
    addon.convBackward(g, x, dy, w, dx2, dw2, null);
    assert.deepEqual(dx2, dx, `${label}: convBackward input gradient`);
    assert.deepEqual(dw2, dw, `${label}: convBackward weight gradient`);
  });
});

test('convBackward equals backward-data plus backward-weights on direct and 1x1 convolutions, with a bias', { skip }, () => {
  const addon = loadAddon();
  const cases: { xs: Shape4; ws: Shape4; s: number; pad: number }[] = [
    { xs: [2, 9, 8, 5], ws: [3, 3, 5, 6], s: 2, pad: 1 },
    { xs: [2, 7, 7, 12], ws: [1, 1, 12, 7], s: 1, pad: 0 },
  ];
  cases.forEach(({ xs, ws, s, pad }, i) => {
    const g = convGeometry({ x: xs, w: ws, strides: [s, s], dilations: [1, 1], pads: [pad, pad, pad, pad] });
    const x = randomFloats(xs.reduce((a, b) => a * b), 40 + i);
    const w = randomFloats(ws.reduce((a, b) => a * b), 50 + i);
    const dy = randomFloats(g[0] * g[4] * g[5] * g[6], 60 + i);
    const [dx, dw, db] = [new Float32Array(x.length), new Float32Array(w.length), new Float32Array(ws[3])];
    addon.convBackwardData(g, dy, w, dx);
    addon.convBackwardWeights(g, x, dy, dw, db);
    const [dx2, dw2, db2] = [new Float32Array(x.length), new Float32Array(w.length), new Float32Array(ws[3])];
    addon.convBackward(g, x, dy, w, dx2, dw2, db2);
    assert.deepEqual([dx2, dw2, db2], [dx, dw, db], `case ${i}`);
  });
});

test('1x1 stride-1 weight gradients (a matmul, not a convolution) match plain loops, with and without bias', { skip }, () => {
  const addon = loadAddon();
  // Row counts across the 256-row blocks of the bias sum; channel counts off and on the 16-float vectors.
  const shapes: { xs: Shape4; co: number }[] = [
    { xs: [1, 1, 1, 1], co: 1 },
    { xs: [2, 9, 7, 5], co: 7 },
    { xs: [3, 20, 17, 19], co: 33 },
    { xs: [2, 16, 16, 64], co: 64 },
  ];
  shapes.forEach(({ xs, co }, i) => {
    const ws: Shape4 = [1, 1, xs[3], co];
    const g = convGeometry({ x: xs, w: ws, strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] });
    const x = randomFloats(xs.reduce((a, b) => a * b), 500 + i);
    const dy = randomFloats(xs[0] * xs[1] * xs[2] * co, 600 + i);
    const geo = geoOf({ xs, ws, s: [1, 1], d: [1, 1], pads: [0, 0, 0, 0] }, g);
    const dwRef = convGradFilterRef(x, dy, xs, ws, geo);
    const dbRef = new Float64Array(co);
    dy.forEach((v, j) => (dbRef[j % co] += v));
    const dw = new Float32Array(ws.reduce((a, b) => a * b)).fill(Number.NaN);
    const db = new Float32Array(co).fill(Number.NaN);
    addon.convBackwardWeights(g, x, dy, dw, db);
    assert.ok(maxRelErr(dw, dwRef) < 1e-4, `x [${xs}] co ${co}: weights ${maxRelErr(dw, dwRef)}`);
    assert.ok(maxRelErr(db, dbRef) < 1e-4, `x [${xs}] co ${co}: bias ${maxRelErr(db, dbRef)}`);
    const dwOnly = new Float32Array(dw.length).fill(Number.NaN);
    addon.convBackwardWeights(g, x, dy, dwOnly, null);
    assert.deepEqual(dwOnly, dw, `x [${xs}] co ${co}: the same weights without a bias`);
  });
});

/** BN (batch statistics, biased variance) then optional SiLU, and its gradient, in float64 from the formulas. */
function bnActRef(z: Float32Array, m: number, c: number, gamma: Float32Array, beta: Float32Array, eps: number, act: boolean, dy: Float32Array) {
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let r = 0; r < m; r++) for (let j = 0; j < c; j++) mean[j] += z[r * c + j] / m;
  for (let r = 0; r < m; r++) for (let j = 0; j < c; j++) variance[j] += (z[r * c + j] - mean[j]) ** 2 / m;
  const y = new Float64Array(m * c);
  const dyb = new Float64Array(m * c);
  const xhat = new Float64Array(m * c);
  for (let r = 0; r < m; r++)
    for (let j = 0; j < c; j++) {
      const i = r * c + j;
      xhat[i] = (z[i] - mean[j]) / Math.sqrt(variance[j] + eps);
      const v = gamma[j] * xhat[i] + beta[j];
      const s = 1 / (1 + Math.exp(-v));
      y[i] = act ? v * s : v;
      dyb[i] = act ? dy[i] * (s + v * s * (1 - s)) : dy[i];
    }
  const dgamma = new Float64Array(c);
  const dbeta = new Float64Array(c);
  for (let i = 0; i < m * c; i++) {
    dbeta[i % c] += dyb[i];
    dgamma[i % c] += dyb[i] * xhat[i];
  }
  // d/dz of gamma * (z - mean) / sqrt(var + eps): the standard three-term formula.
  const dz = new Float64Array(m * c);
  for (let i = 0; i < m * c; i++) {
    const j = i % c;
    dz[i] = (gamma[j] / Math.sqrt(variance[j] + eps)) * (dyb[i] - dbeta[j] / m - (xhat[i] * dgamma[j]) / m);
  }
  return { y, mean, variance, dz, dgamma, dbeta };
}

test('fused BN+SiLU forward (training) and backward match the formulas, with and without SiLU', { skip }, () => {
  const addon = loadAddon();
  for (const [m, c, act, seed] of [[1000, 7, true, 1], [64 * 3, 33, false, 2], [5, 1, true, 3], [4096, 16, true, 4]] as const) {
    // An offset mean checks the variance is computed stably.
    const z = randomFloats(m * c, seed).map((v, i) => 3 * v + 20 + (i % c));
    const gamma = randomFloats(c, seed + 10).map((v) => 1 + 0.5 * v);
    const beta = randomFloats(c, seed + 20);
    const dy = randomFloats(m * c, seed + 30);
    const ref = bnActRef(z, m, c, gamma, beta, 1e-3, act, dy);
    const y = new Float32Array(m * c);
    const mean = new Float32Array(c);
    const variance = new Float32Array(c);
    const invstd = new Float32Array(c);
    addon.bnActForwardTrain(m, c, z, gamma, beta, 1e-3, act ? 1 : 0, y, mean, variance, invstd);
    const label = `m ${m} c ${c} act ${act}`;
    assert.ok(maxRelErr(y, ref.y) < 1e-4, `${label}: y`);
    assert.ok(maxRelErr(mean, ref.mean) < 1e-5, `${label}: mean`);
    assert.ok(maxRelErr(variance, ref.variance) < 1e-4, `${label}: variance`);
    const dz = new Float32Array(m * c);
    const dgamma = new Float32Array(c);
    const dbeta = new Float32Array(c);
    addon.bnActBackward(m, c, dy, z, gamma, beta, mean, invstd, act ? 1 : 0, dz, dgamma, dbeta);
    assert.ok(maxRelErr(dz, ref.dz) < 1e-4, `${label}: dz ${maxRelErr(dz, ref.dz)}`);
    assert.ok(maxRelErr(dgamma, ref.dgamma) < 1e-4, `${label}: dgamma`);
    assert.ok(maxRelErr(dbeta, ref.dbeta) < 1e-4, `${label}: dbeta`);
  }
});

test('channel concat and split are inverse and place channels in order', { skip }, () => {
  const addon = loadAddon();
  const m = 6;
  const parts = [randomFloats(m * 2, 1), randomFloats(m * 5, 2), randomFloats(m * 1, 3)];
  const out = new Float32Array(m * 8);
  addon.concatChannels(m, parts, out);
  for (let r = 0; r < m; r++) {
    assert.deepEqual(Array.from(out.subarray(r * 8, r * 8 + 2)), Array.from(parts[0].subarray(r * 2, r * 2 + 2)));
    assert.deepEqual(Array.from(out.subarray(r * 8 + 2, r * 8 + 7)), Array.from(parts[1].subarray(r * 5, r * 5 + 5)));
    assert.equal(out[r * 8 + 7], parts[2][r]);
  }
  const back = [new Float32Array(m * 2), new Float32Array(m * 5), new Float32Array(m)];
  addon.splitChannels(m, out, back);
  back.forEach((b, i) => assert.deepEqual(Array.from(b), Array.from(parts[i])));
});

test('the addon rejects buffers that do not match the geometry instead of touching memory', { skip }, () => {
  const addon = loadAddon();
  const g = convGeometry({ x: [1, 4, 4, 2], w: [3, 3, 2, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] });
  assert.throws(() => addon.convForward(g, new Float32Array(31), new Float32Array(54), null, 0, false, new Float32Array(48)), /x: expected 32 floats/);
  assert.throws(() => addon.convForward(g, new Float32Array(32), new Float32Array(54), null, 0, false, new Float32Array(47)), /y: expected 48/);
  const bad = g.slice();
  bad[4] = 5;
  assert.throws(() => addon.convBackwardData(bad, new Float32Array(60), new Float32Array(54), new Float32Array(32)), /output size/);
  assert.throws(() => addon.bnActForwardTrain(4, 2, new Float32Array(8), new Float32Array(2), new Float32Array(2), 1e-3, 1, new Float32Array(7), new Float32Array(2), new Float32Array(2), new Float32Array(2)), /y: expected 8/);
});
