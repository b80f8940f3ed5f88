import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { setOpsImpl } from '../../src/project/backend/ops';
import { detectionLoss } from '../../src/project/loss/detection-loss';
import { createYolo } from '../../src/project/model/yolo';
import { syntheticBatch } from '../../src/project/data/synthetic-batch';
import { maxRelErr } from './wasm-reference';
import { webgpuSkipReason } from './webgpu-available';

/**
 * yolov8n (64x64, batch 2, nc 3; at 32x32 the stride-32 BatchNorms see only 2 values and amplify rounding): one training step's loss and every gradient, the BN running statistics,
 * and the eval-mode predictions on webgpu must agree with the portable reference (plain tfjs ops on the
 * cpu backend) to 1e-3 relative. Small enough for llvmpipe, where most of the time is Mesa compiling
 * ~200 shaders. (The wasm engine is not the yardstick: its custom training kernels are checked against
 * cpu in wasm-train-step.test.ts.)
 */
const IMGSZ = 64;

interface Step {
  loss: number;
  items: number[];
  grads: Float32Array[];
  stats: Float32Array[];
  pred: Float32Array;
  leaked: number;
}

async function step(backend: 'cpu' | 'webgpu'): Promise<Step> {
  await initBackend({ backend });
  setOpsImpl(null); // the reference ops on both: the comparison is about the backend's kernels
  const before = tf.memory().numTensors;
  const model = createYolo({ scale: 'n', nc: 3, seed: 0 });
  const { images, targets } = syntheticBatch(2, IMGSZ, 3, 5);
  const vars = model.trainableVariables();
  let items: number[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const r = detectionLoss(model.forward(images, true), targets, { imgsz: [IMGSZ, IMGSZ], nc: 3, strides: model.strides });
    items = r.items;
    return r.loss;
  }, vars);
  const out: Step = {
    loss: (await value.data())[0],
    items,
    grads: await Promise.all(vars.map((v) => grads[v.name].data() as Promise<Float32Array>)),
    stats: [],
    pred: new Float32Array(0),
    leaked: 0,
  };
  for (const [name, t] of model.namedTensors()) if (/running_(mean|var)$/.test(name)) out.stats.push(t.dataSync() as Float32Array);
  const pred = model.predict(images);
  out.pred = pred.dataSync() as Float32Array;
  tf.dispose([value, pred, images, ...Object.values(grads)]);
  model.dispose();
  out.leaked = tf.memory().numTensors - before;
  return out;
}

test('a yolov8n training step and inference on webgpu agree with the cpu reference to 1e-3', async (t) => {
  const why = webgpuSkipReason();
  if (why) return t.skip(why);
  const ref = await step('cpu');
  const gpu = await step('webgpu');
  assert.equal(tf.getBackend(), 'webgpu');
  assert.ok(Math.abs(gpu.loss - ref.loss) <= 1e-3 * Math.abs(ref.loss), `loss ${gpu.loss} vs ${ref.loss}`);
  assert.ok(maxRelErr(gpu.items, ref.items) <= 1e-3, `items ${gpu.items} vs ${ref.items}`);
  assert.equal(gpu.grads.length, ref.grads.length);
  let worst = 0;
  let zero = 0;
  gpu.grads.forEach((g, i) => {
    if (!ref.grads[i].some((v) => v !== 0)) {
      // a few head parameters get no gradient from this batch: webgpu must agree
      zero++;
      assert.ok(g.every((v) => Math.abs(v) < 1e-6), `gradient ${i}: zero on cpu, not on webgpu`);
      return;
    }
    const e = maxRelErr(g, ref.grads[i]);
    worst = Math.max(worst, e);
    assert.ok(e <= 1e-3, `gradient ${i}: relative error ${e}`);
  });
  assert.ok(zero <= gpu.grads.length / 10, `${zero} of ${gpu.grads.length} gradients are all zero`);
  assert.ok(gpu.stats.length > 0);
  gpu.stats.forEach((s, i) => assert.ok(maxRelErr(s, ref.stats[i]) <= 1e-3, `running stats ${i}`));
  const pe = maxRelErr(gpu.pred, ref.pred);
  assert.ok(pe <= 1e-3, `predictions: relative error ${pe}`);
  assert.equal(gpu.leaked, 0, 'no tensor leak on webgpu');
  assert.equal(ref.leaked, 0, 'no tensor leak on cpu');
  t.diagnostic(`worst gradient relative error ${worst.toExponential(2)}, predictions ${pe.toExponential(2)}`);
});
