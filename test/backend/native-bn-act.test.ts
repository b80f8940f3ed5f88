import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { addonUnavailable, loadAddon } from '../../src/project/backend/native/addon';
import { convGeometry } from '../../src/project/backend/native/geometry';
import { maxRelErr, randomFloats } from './wasm-reference';

/**
 * The addon's fused BN+SiLU (batch statistics, biased variance) and its gradient against the textbook formulas in
 * float64; channel concat/split; and its refusal of buffers that do not match the geometry. Skips with the reason when
 * the addon is not built.
 */
const skip = addonUnavailable();

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
