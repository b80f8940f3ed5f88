import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { addonUnavailable } from '../../src/project/backend/native/addon';
import { decodeHeads, decodeHeadsOps } from '../../src/project/model/decode';

/** The typed-array decode (used by predict and validation) against the same decode as tfjs ops. */
for (const backend of ['cpu', 'native'] as const) {
  test(`decodeHeads equals decodeHeadsOps (random maps, 2 images, 96x128, nc 5, ${backend})`, { skip: backend === 'native' ? addonUnavailable() : undefined }, async () => {
    await initBackend({ backend });
    const nc = 5;
    const feats = [8, 16, 32].map((s, l) => tf.randomNormal([2, 96 / s, 128 / s, 64 + nc], 0, 3, 'float32', 7 + l) as tf.Tensor4D);
    const before = tf.memory().numTensors;
    const a = decodeHeads(feats, [8, 16, 32], nc);
    const b = decodeHeadsOps(feats, [8, 16, 32], nc);
    assert.deepEqual(a.shape, [2, 4 + nc, (12 * 16 + 6 * 8 + 3 * 4)]);
    assert.deepEqual(a.shape, b.shape);
    const x = a.dataSync();
    const y = b.dataSync();
    let worst = 0;
    for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i])));
    // native: the addon's float32 DFL pass (a few float32 ulps on pixel coordinates); cpu: the float64 JS loop
    const tol = backend === 'native' ? 1e-4 : 2e-5;
    assert.ok(worst < tol, `worst difference ${worst}`);
    tf.dispose([a, b]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose(feats);
  });
}
