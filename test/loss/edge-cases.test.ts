import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { detectionLoss, type DetectionLossOptions } from '../../src/project/loss/detection-loss';
import type { LossTargets } from '../../src/project/loss/targets';

const nc = 3;
const no = 64 + nc;
const NONE: LossTargets = { batchIdx: [], cls: [], bboxes: [] };

/** Seeded head outputs, NHWC, for an [H, W] image at strides 8/16/32. */
function heads(B: number, H: number, W: number, seed = 1): tf.Tensor4D[] {
  return [8, 16, 32].map((s, l) => tf.randomNormal([B, H / s, W / s, no], 0, 2, 'float32', seed + l) as tf.Tensor4D);
}

function lossAndGrads(feats: tf.Tensor4D[], t: LossTargets, opts: DetectionLossOptions) {
  let items: [number, number, number] = [0, 0, 0];
  let numFg = -1;
  const vg = tf.valueAndGrads((...xs: tf.Tensor[]) => {
    const r = detectionLoss(xs as tf.Tensor4D[], t, { ...opts, debug: true });
    items = r.items;
    numFg = r.debug!.numFg;
    return r.loss;
  })(feats);
  const total = vg.value.dataSync()[0];
  const grads = vg.grads.map((g) => g.arraySync() as number[][][][]);
  tf.dispose([vg.value, ...vg.grads]);
  return { total, items, numFg, grads };
}

/** BCE against all-zero targets, summed: sum softplus(logit) over every class logit. */
function bceAllNegative(feats: tf.Tensor4D[]): number {
  return tf.tidy(() => feats.reduce((acc, t) => acc + tf.sum(tf.softplus(tf.slice(t, [0, 0, 0, 64], [-1, -1, -1, nc]))).dataSync()[0], 0));
}

test('no targets: only the class term, normalised by 1; no gradient on the DFL channels; no leak', async () => {
  await initBackend({ backend: 'cpu' });
  const feats = heads(2, 64, 64);
  const before = tf.memory().numTensors;
  const r = lossAndGrads(feats, NONE, { imgsz: [64, 64], nc });
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  assert.equal(r.items[0], 0);
  assert.equal(r.items[2], 0);
  assert.equal(r.numFg, 0);
  const want = 0.5 * bceAllNegative(feats);
  assert.ok(Math.abs(r.items[1] - want) / want < 1e-5, `${r.items[1]} vs ${want}`);
  assert.ok(Math.abs(r.total - 2 * want) / want < 1e-5);
  for (const g of r.grads) for (const row of g.flat(2)) assert.ok(row.slice(0, 64).every((v) => v === 0));
  tf.dispose(feats);
});

test('a batch image without targets next to one with targets; a tiny box holding no anchor centre is background', async () => {
  await initBackend({ backend: 'cpu' });
  const feats = heads(2, 64, 64, 7);
  // 0.64 px box between anchor centres: no candidate, so the loss equals the no-target loss
  const tiny: LossTargets = { batchIdx: [1], cls: [2], bboxes: [[0.1, 0.1, 0.01, 0.01]] };
  const a = lossAndGrads(feats, tiny, { imgsz: [64, 64], nc });
  const b = lossAndGrads(feats, NONE, { imgsz: [64, 64], nc });
  assert.equal(a.numFg, 0);
  assert.deepEqual(a.items, b.items);
  // a real box in image 1 only: image 0's class gradient is still pure background (sigmoid(x) * batch * gain)
  const real: LossTargets = { batchIdx: [1], cls: [2], bboxes: [[0.5, 0.5, 0.5, 0.5]] };
  const c = lossAndGrads(feats, real, { imgsz: [64, 64], nc });
  assert.ok(c.numFg > 0 && c.items[0] > 0 && c.items[2] > 0);
  const x = feats[0].arraySync()[0][0][0][64];
  const g0 = c.grads[0][0][0][0][64];
  const g1 = c.grads[0][0][0][1][64];
  const x1 = feats[0].arraySync()[0][0][1][64];
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  assert.ok(Math.abs(g0 / g1 - sig(x) / sig(x1)) < 1e-4, 'background gradient is proportional to sigmoid(logit)');
  tf.dispose(feats);
});

test('non-square input: targets scale by [W, H]; a mismatched imgsz is an error', async () => {
  await initBackend({ backend: 'cpu' });
  const feats = heads(1, 64, 128, 3);
  // a box over the right half (x in 64..128 px) may only take anchors whose centre lies there
  const t: LossTargets = { batchIdx: [0], cls: [0], bboxes: [[0.75, 0.5, 0.5, 1.0]] };
  const r = detectionLoss(feats, t, { imgsz: [64, 128], nc, debug: true });
  r.loss.dispose();
  assert.ok(r.debug!.numFgWeighted > 0);
  const levels = [[8, 8, 16], [16, 4, 8], [32, 2, 4]]; // stride, h, w
  for (const [, a] of r.debug!.fgAnchors) {
    let base = 0;
    for (const [s, h, w] of levels) {
      if (a < base + h * w) {
        const cx = (((a - base) % w) + 0.5) * s;
        assert.ok(cx > 64, `anchor ${a} centre x ${cx} outside the right half`);
        break;
      }
      base += h * w;
    }
  }
  assert.throws(() => detectionLoss(feats, t, { imgsz: [128, 64], nc }), /imgsz \[128,64\] disagrees/);
  tf.dispose(feats);
});

test('empty batch (zero images) gives a zero loss', async () => {
  await initBackend({ backend: 'cpu' });
  const feats = [8, 16, 32].map((s) => tf.zeros([0, 64 / s, 64 / s, no]) as tf.Tensor4D);
  const r = detectionLoss(feats, NONE, { imgsz: [64, 64], nc });
  assert.equal(r.loss.dataSync()[0], 0);
  assert.deepEqual(r.items, [0, 0, 0]);
  const g = tf.grads((...xs: tf.Tensor[]) => detectionLoss(xs as tf.Tensor4D[], NONE, { imgsz: [64, 64], nc }).loss)(feats);
  assert.deepEqual(g[0].shape, [0, 8, 8, no]);
  tf.dispose([r.loss, ...feats, ...g]);
});

test('bad input names the problem', async () => {
  await initBackend({ backend: 'cpu' });
  const feats = heads(1, 64, 64);
  assert.throws(() => detectionLoss(feats, { batchIdx: [0], cls: [3], bboxes: [[0.5, 0.5, 0.1, 0.1]] }, { imgsz: [64, 64], nc }), /class 3, outside 0\.\.2/);
  assert.throws(() => detectionLoss(feats, { batchIdx: [1], cls: [0], bboxes: [[0.5, 0.5, 0.1, 0.1]] }, { imgsz: [64, 64], nc }), /batchIdx 1/);
  assert.throws(() => detectionLoss(feats, NONE, { imgsz: [64, 64], nc: 4 }), /expected 4\*regMax \+ nc = 68/);
  tf.dispose(feats);
});
