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
