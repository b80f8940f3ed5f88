import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { anchorTensors, bbox2dist, bbox2distInto, dflDecode, dflDecodeInto, dist2bbox } from '../../src/project/model/anchors';

test('DFL decode is the softmax expectation of the bin index (tensor and typed-array forms agree)', async () => {
  await initBackend({ backend: 'cpu' });
  const logits = new Float32Array(64);
  logits[3] = 30; // left: bin 3
  logits[16 + 7] = 30; // top: bin 7
  logits[32 + 2] = 30; // right: bins 2 and 3 equally
  logits[32 + 3] = 30;
  // bottom: all zeros -> uniform -> 7.5
  const input = tf.tensor2d(logits, [1, 64]);
  const t = dflDecode(input);
  const got = Array.from(t.dataSync());
  const typed = new Float32Array(4);
  dflDecodeInto(logits, 0, 16, typed, 0);
  [3, 7, 2.5, 7.5].forEach((want, i) => {
    assert.ok(Math.abs(got[i] - want) < 1e-4, `side ${i}: ${got[i]}`);
    assert.ok(Math.abs(typed[i] - want) < 1e-4, `typed side ${i}: ${typed[i]}`);
  });
  tf.dispose([t, input]);
});

test('dist2bbox and bbox2dist invert each other; DFL targets clamp to [0, 14.99]', async () => {
  await initBackend({ backend: 'cpu' });
  const before = tf.memory().numTensors;
  const pts = tf.tensor2d([[2.5, 3.5], [0.5, 0.5]]);
  const d = tf.tensor2d([[1, 2, 3, 4], [0.5, 0.5, 20, 1]]);
  const xyxy = dist2bbox(d, pts, false);
  assert.deepEqual(Array.from(xyxy.dataSync()), [1.5, 1.5, 5.5, 7.5, 0, 0, 20.5, 1.5]);
  const xywh = dist2bbox(d, pts, true);
  assert.deepEqual(Array.from(xywh.dataSync()).slice(0, 4), [3.5, 4.5, 4, 6]);
  const backT = bbox2dist(pts, xyxy);
  const back = Array.from(backT.dataSync());
  assert.deepEqual(back.slice(0, 4), [1, 2, 3, 4]);
  assert.equal(back[6], Math.fround(14.99));
  const typed = new Float32Array(4);
  bbox2distInto(0.5, 0.5, 1, 0, 20.5, 1.5, 16, typed, 0);
  assert.deepEqual(Array.from(typed), [0, 0.5, Math.fround(14.99), 1]);
  const a = anchorTensors([[2, 2]], [8]);
  assert.deepEqual(Array.from(a.points.dataSync()), [0.5, 0.5, 1.5, 0.5, 0.5, 1.5, 1.5, 1.5]);
  assert.deepEqual(a.stride.shape, [4, 1]);
  tf.dispose([pts, d, xyxy, xywh, backT, a.points, a.stride]);
  assert.equal(tf.memory().numTensors, before);
});
