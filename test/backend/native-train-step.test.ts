import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { setOpsImpl } from '../../src/project/backend/ops';
import { addonUnavailable } from '../../src/project/backend/native/addon';
import { createYolo } from '../../src/project/model/yolo';
import { syntheticBatch } from '../../src/project/data/synthetic-batch';
import { detectionLoss } from '../../src/project/loss/detection-loss';
import { maxRelErr, randomFloats } from './wasm-reference';

/**
 * A whole YOLOv8n training step (forward in training mode, the detection loss, every gradient, the
 * BatchNorm running statistics) on the native engine against the wasm engine, and over repeated steps
 * no tensor leak. Skips with the reason when the addon is not built.
 */
const skip = addonUnavailable();

interface Step { loss: number; items: number[]; grads: Map<string, Float32Array>; stats: Map<string, Float32Array>; leaked: number }

async function step(backend: 'cpu' | 'wasm' | 'native', imgsz: number, batch: number): Promise<Step> {
  await initBackend({ backend });
  if (backend === 'cpu') setOpsImpl(null); // the reference ops, differentiated by tfjs
  const before = tf.memory().numTensors;
  const model = createYolo({ scale: 'n', nc: 3, seed: 5 });
  const batchData = syntheticBatch(batch, imgsz, 3, 1);
  const { targets } = batchData;
  // Noise breaks the exact ties of the synthetic flat colours: tied max-pool windows have several valid
  // subgradients, and wasm and oneDNN need not pick the same one.
  const images = tf.tidy(() => tf.add(batchData.images, tf.tensor4d(randomFloats(batch * imgsz * imgsz * 3, 2).map((v) => 0.05 * v), [batch, imgsz, imgsz, 3])) as tf.Tensor4D);
  batchData.images.dispose();
  const named = model.namedTensors();
  const nameOf = new Map([...named].map(([k, v]) => [v, k]));
  let items: number[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const r = detectionLoss(model.forward(images, true), targets, { imgsz: [imgsz, imgsz], nc: 3, strides: model.strides });
    items = r.items;
    return r.loss;
  }, model.trainableVariables());
  const out: Step = { loss: value.dataSync()[0], items, grads: new Map(), stats: new Map(), leaked: 0 };
  for (const v of model.trainableVariables()) out.grads.set(nameOf.get(v)!, grads[v.name].dataSync().slice() as Float32Array);
  for (const [k, v] of named) if (k.includes('running')) out.stats.set(k, v.dataSync().slice() as Float32Array);
  tf.dispose([value, images, ...Object.values(grads)]);
  model.dispose();
  out.leaked = tf.memory().numTensors - before;
  return out;
}

// The gradients are compared with the reference ops on cpu: the wasm engine's own gradients differ from
// that reference by up to a few percent on this step (first seen here), so wasm only checks the loss.
test('a YOLOv8n training step on native matches the reference: loss, every gradient within 1e-3, running stats; loss as wasm', { skip }, async () => {
  const wasmLoss = (await step('wasm', 64, 2)).loss;
  const wasm = await step('cpu', 64, 2);
  const nat = await step('native', 64, 2);
  assert.ok(Math.abs(nat.loss - wasmLoss) <= 1e-4 * Math.abs(wasmLoss), `loss ${nat.loss} vs wasm ${wasmLoss}`);
  assert.ok(Math.abs(nat.loss - wasm.loss) <= 1e-4 * Math.abs(wasm.loss), `loss ${nat.loss} vs ${wasm.loss}`);
  nat.items.forEach((v, i) => assert.ok(Math.abs(v - wasm.items[i]) <= 1e-4 * Math.abs(wasm.items[i]) + 1e-6, `loss item ${i}`));
  assert.equal(nat.grads.size, wasm.grads.size);
  let worst = 0;
  for (const [name, g] of wasm.grads) {
    const e = maxRelErr(nat.grads.get(name)!, g);
    worst = Math.max(worst, e);
    assert.ok(e < 1e-3, `gradient ${name}: relative error ${e}`);
  }
  for (const [name, s] of wasm.stats) assert.ok(maxRelErr(nat.stats.get(name)!, s) < 1e-4, `running stat ${name}`);
  assert.equal(nat.leaked, 0, 'no tensor leak on native');
  assert.ok(worst > 0, 'the engines really differ in rounding (both ran)');
});

test('at 160 (maps of 20x20 and more: Winograd layers on AVX-512) native still matches the reference gradients', { skip }, async () => {
  const { loadAddon } = await import('../../src/project/backend/native/addon');
  // the P3 head's 3x3 64 -> 64 convolutions at 20x20: Winograd where the CPU has it
  const impl = loadAddon().convImpl([1, 20, 20, 64, 20, 20, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1], 'w');
  const ref = await step('cpu', 160, 1);
  const nat = await step('native', 160, 1);
  assert.ok(Math.abs(nat.loss - ref.loss) <= 1e-4 * Math.abs(ref.loss), `loss ${nat.loss} vs ${ref.loss}`);
  for (const [name, g] of ref.grads) {
    const e = maxRelErr(nat.grads.get(name)!, g);
    assert.ok(e < 1e-3, `gradient ${name}: relative error ${e} (${impl})`);
  }
  assert.equal(nat.leaked, 0, 'no tensor leak on native');
});

test('repeated native training steps leak no tensors', { skip }, async () => {
  await initBackend({ backend: 'native' });
  const model = createYolo({ scale: 'n', nc: 2, seed: 1 });
  const opt: tf.Optimizer = tf.train.momentum(0.01, 0.9, true);
  const { images, targets } = syntheticBatch(1, 32, 2, 3);
  const counts: number[] = [];
  for (let i = 0; i < 4; i++) {
    const { value, grads } = tf.variableGrads(
      () => detectionLoss(model.forward(images, true), targets, { imgsz: [32, 32], nc: 2, strides: model.strides }).loss,
      model.trainableVariables(),
    );
    opt.applyGradients(grads);
    tf.dispose([value, ...Object.values(grads)]);
    counts.push(tf.memory().numTensors);
  }
  // The optimizer allocates its momentum slots on the first step; after that the count must stay flat.
  assert.deepEqual(counts.slice(1), [counts[1], counts[1], counts[1]]);
  opt.dispose();
  images.dispose();
  model.dispose();
});
