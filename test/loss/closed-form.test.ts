import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { ciou } from '../../src/project/loss/ciou';
import { ciouWithGrad } from '../../src/project/loss/ciou-grad';
import { detectionLoss } from '../../src/project/loss/detection-loss';
import type { LossTargets } from '../../src/project/loss/targets';
import { mulberry32 } from '../../src/project/random';
import { addonUnavailable } from '../../src/project/backend/native/addon';

/**
 * The closed-form loss gradient (head-loss.ts, the default) against tfjs autodiff of the same terms
 * built from tensor ops: two independent derivations of one function.
 */

test('ciouWithGrad: value and gradient equal tfjs autodiff of ciou on random box pairs (overlapping, disjoint, nested)', async () => {
  await initBackend({ backend: 'cpu' });
  const rand = mulberry32(11);
  const n = 300;
  const a: number[][] = [];
  const b: number[][] = [];
  for (let i = 0; i < n; i++) {
    const box = (spread: number) => {
      const x = rand() * spread;
      const y = rand() * spread;
      return [x, y, x + 0.2 + rand() * 5, y + 0.2 + rand() * 5];
    };
    a.push(box(i % 3 === 0 ? 20 : 4));
    b.push(box(4));
  }
  const A = tf.tensor2d(a);
  const B = tf.tensor2d(b);
  const { value, grads } = tf.valueAndGrads((p: tf.Tensor) => tf.sum(ciou(p as tf.Tensor2D, B)))([A]);
  const want = grads[0].dataSync();
  const wantEach = ciou(A, B).dataSync();
  const g = new Float64Array(4);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const v = ciouWithGrad(a[i][0], a[i][1], a[i][2], a[i][3], b[i][0], b[i][1], b[i][2], b[i][3], g);
    assert.ok(Math.abs(v - wantEach[i]) < 2e-6, `pair ${i}: ciou ${v} vs ${wantEach[i]}`);
    for (let k = 0; k < 4; k++) worst = Math.max(worst, Math.abs(g[k] - want[4 * i + k]) / Math.max(1e-3, Math.abs(want[4 * i + k])));
  }
  assert.ok(worst < 1e-4, `worst relative gradient difference ${worst}`);
  tf.dispose([A, B, value, ...grads]);
});

function heads(B: number, H: number, W: number, no: number, seed: number): tf.Tensor4D[] {
  return [8, 16, 32].map((s, l) => tf.randomNormal([B, H / s, W / s, no], 0, 2, 'float32', seed + l) as tf.Tensor4D);
}

for (const backend of ['cpu', 'wasm', 'native'] as const) {
  // on native, the all-anchor parts (decode for the assigner, class BCE) run in the addon
  test(`closed-form loss and gradient equal the autodiff ones (random heads, 3 images, 9 boxes, ${backend})`, { skip: backend === 'native' ? addonUnavailable() : undefined }, async () => {
    await initBackend({ backend });
    const nc = 5;
    const feats = heads(3, 96, 128, 64 + nc, 5);
    const rand = mulberry32(3);
    const t: LossTargets = { batchIdx: [], cls: [], bboxes: [] };
    for (let k = 0; k < 9; k++) {
      t.batchIdx.push(k % 2); // image 2 has no boxes
      t.cls.push(k % nc);
      const w = 0.08 + 0.5 * rand();
      const h = 0.08 + 0.5 * rand();
      t.bboxes.push([w / 2 + (1 - w) * rand(), h / 2 + (1 - h) * rand(), w, h]);
    }
    const run = (gradient: 'closed-form' | 'autodiff') => {
      let items: number[] = [];
      const before = tf.memory().numTensors;
      const vg = tf.valueAndGrads((...xs: tf.Tensor[]) => {
        const r = detectionLoss(xs as tf.Tensor4D[], t, { imgsz: [96, 128], nc, gradient });
        items = r.items;
        return r.loss;
      })(feats);
      const out = { total: vg.value.dataSync()[0], items, grads: vg.grads.map((g) => Float32Array.from(g.dataSync())) };
      tf.dispose([vg.value, ...vg.grads]);
      assert.equal(tf.memory().numTensors, before, `${gradient}: tensors leaked`);
      return out;
    };
    const cf = run('closed-form');
    const ad = run('autodiff');
    // validation's value-only call gives the same numbers without a gradient
    const vo = detectionLoss(feats, t, { imgsz: [96, 128], nc, valueOnly: true });
    assert.deepEqual(vo.items, cf.items);
    assert.equal(vo.loss.dataSync()[0], Math.fround(cf.total));
    vo.loss.dispose();
    assert.ok(ad.items[0] > 0 && ad.items[1] > 0 && ad.items[2] > 0, `all three terms are active: ${ad.items}`);
    assert.ok(Math.abs(cf.total - ad.total) / ad.total < 1e-5, `total ${cf.total} vs ${ad.total}`);
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(cf.items[k] - ad.items[k]) / ad.items[k] < 1e-5, `item ${k}: ${cf.items[k]} vs ${ad.items[k]}`);
    for (let l = 0; l < 3; l++) {
      const [g, r] = [cf.grads[l], ad.grads[l]];
      let maxAbs = 0;
      for (let i = 0; i < r.length; i++) maxAbs = Math.max(maxAbs, Math.abs(r[i]));
      let worst = 0;
      let nonzero = 0;
      for (let i = 0; i < r.length; i++) {
        worst = Math.max(worst, Math.abs(g[i] - r[i]) / maxAbs);
        if (r[i] !== 0) nonzero++;
        if (r[i] === 0) assert.equal(g[i], 0, `level ${l} element ${i}: closed form has gradient ${g[i]} where autodiff has none`);
      }
      assert.ok(nonzero > 0, `level ${l} has gradient`);
      assert.ok(worst < 1e-5, `level ${l}: worst difference ${worst} of the largest gradient ${maxAbs}`);
    }
    tf.dispose(feats);
  });
}

test('a NaN in the head outputs makes the loss NaN on the native kernels too (the trainer stops on it)', { skip: addonUnavailable() }, async () => {
  await initBackend({ backend: 'native' });
  const nc = 3;
  const feats = heads(1, 64, 64, 64 + nc, 2);
  const buf = feats[1].bufferSync();
  buf.set(NaN, 0, 1, 1, 64 + 1); // one class logit
  const bad = [feats[0], buf.toTensor() as tf.Tensor4D, feats[2]];
  const r = detectionLoss(bad, { batchIdx: [0], cls: [1], bboxes: [[0.5, 0.5, 0.4, 0.4]] }, { imgsz: [64, 64], nc });
  assert.ok(Number.isNaN(r.loss.dataSync()[0]), `loss ${r.loss.dataSync()[0]}`);
  assert.ok(Number.isNaN(r.items[1]), `cls ${r.items[1]}`);
  tf.dispose([r.loss, bad[1], ...feats]);
});
