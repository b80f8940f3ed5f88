import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { maxPoolSameSeparable } from '../../src/project/backend/ops';
import { createYolo } from '../../src/project/model/yolo';
import { detectionLoss } from '../../src/project/loss';
import { mulberry32 } from '../../src/project/random';

/** Gradients of the full yolov8n loss by state_dict name on one backend. */
async function yoloGrads(backend: 'cpu' | 'wasm'): Promise<{ loss: number; grads: Map<string, Float32Array> }> {
  await initBackend({ backend });
  const m = createYolo({ scale: 'n', nc: 7, seed: 1 });
  const r = mulberry32(5);
  const x = tf.tensor4d(Float32Array.from({ length: 64 * 64 * 3 }, () => r()), [1, 64, 64, 3]);
  const targets = { batchIdx: [0, 0], cls: [1, 3], bboxes: [[0.3, 0.4, 0.3, 0.4], [0.7, 0.6, 0.2, 0.3]] };
  const nameOf = new Map([...m.namedTensors()].map(([k, v]) => [v.name, k]));
  const { value, grads } = tf.variableGrads(() => detectionLoss(m.forward(x, true), targets, { imgsz: [64, 64], nc: 7 }).loss, m.trainableVariables());
  const out = new Map<string, Float32Array>();
  for (const [k, g] of Object.entries(grads)) out.set(nameOf.get(k)!, Float32Array.from(g.dataSync() as Float32Array));
  const loss = value.dataSync()[0];
  Object.values(grads).forEach((g) => g.dispose());
  value.dispose();
  x.dispose();
  m.dispose();
  return { loss, grads: out };
}

test('SPPF max-pool gradient keeps gradient on tied maxima on wasm (stock MaxPoolGrad drops it)', async () => {
  const g = async (backend: 'cpu' | 'wasm') => {
    await initBackend({ backend });
    const x = tf.tensor4d([0.1, -0.2, 0.4, 0.3, -0.5, 0.9, 0.2, 0.1], [1, 2, 2, 2]);
    const w = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
    // chained pools, as SPPF does: the second pool sees only tied values
    const d = tf.grad((t: tf.Tensor) => { const a = maxPoolSameSeparable(t as tf.Tensor4D, 5); return tf.sum(tf.mul(tf.add(a, maxPoolSameSeparable(a, 5)), w)); })(x);
    const out = Array.from(d.dataSync());
    [x, w, d].forEach((t) => t.dispose());
    return out;
  };
  // per channel, all 4 outputs of both pools come from the channel's maximum: 2 * sum(w of channel)
  const expected = [0, 0, 2 * (1 + 3 + 5 + 7), 0, 0, 2 * (2 + 4 + 6 + 8), 0, 0];
  assert.deepEqual(await g('cpu'), expected);
  assert.deepEqual(await g('wasm'), expected);
});

test('yolov8n loss gradients on wasm (fast kernels) agree with the cpu reference for every parameter', async () => {
  const a = await yoloGrads('cpu');
  const b = await yoloGrads('wasm');
  assert.ok(Math.abs(a.loss - b.loss) <= 1e-4 * Math.abs(a.loss), `loss ${a.loss} vs ${b.loss}`);
  assert.equal(b.grads.size, a.grads.size);
  let worst = { name: '', err: 0 };
  for (const [k, ga] of a.grads) {
    const gb = b.grads.get(k)!;
    let diff = 0, scale = 0;
    for (let i = 0; i < ga.length; i++) {
      diff = Math.max(diff, Math.abs(ga[i] - gb[i]));
      scale = Math.max(scale, Math.abs(ga[i]));
    }
    const err = diff / (scale || 1);
    if (err > worst.err) worst = { name: k, err };
  }
  // float32 noise measured here: up to 1.4e-4 of a tensor's largest gradient
  assert.ok(worst.err < 2e-3, `worst ${worst.name}: ${worst.err}`);
});
