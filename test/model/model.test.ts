import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { SCALES, defParamCount, resolveYolov8 } from '../../src/project/model/definition';
import { createYolo } from '../../src/project/model/yolo';
import { summary, formatSummary } from '../../src/project/model/summary';
import { loadWeights, saveWeights, stateDict } from '../../src/project/model/weights/state-dict';
import { fixturePath } from '../helpers/shared';

const EXPECTED_PARAMS = { n: 3_012_213, s: 11_138_309, m: 25_860_373, l: 43_635_237, x: 68_159_349 };

test('parameter counts equal ultralytics for n..x at nc=7 (and nc=80 for n)', () => {
  for (const s of SCALES) assert.equal(defParamCount(resolveYolov8(s, 7)), EXPECTED_PARAMS[s], s);
  assert.equal(defParamCount(resolveYolov8('n', 80)), 3_157_200);
});

test('built variables hold exactly the counted parameters (n and s)', async () => {
  await initBackend({ backend: 'cpu' });
  for (const scale of ['n', 's'] as const) {
    const before = tf.memory().numTensors;
    const m = createYolo({ scale, nc: 7 });
    const trainable = m.trainableVariables().reduce((a, v) => a + v.size, 0);
    // ultralytics counts the fixed DFL conv (16 values) as a parameter; it is not a variable here.
    assert.equal(trainable + 16, EXPECTED_PARAMS[scale]);
    assert.equal(m.paramCount(), EXPECTED_PARAMS[scale]);
    m.dispose();
    assert.equal(tf.memory().numTensors, before, 'dispose frees every variable');
  }
});

test('state_dict names and shapes equal the ultralytics yolov8n-nc7 state_dict', (t) => {
  const dir = fixturePath('yolo-forward');
  const ref = JSON.parse(fs.readFileSync(path.join(dir, 'yolov8n-nc7-tensors.json'), 'utf8')) as { tensors: { name: string; shape: number[] }[] };
  const m = createYolo({ scale: 'n', nc: 7 });
  const ours = [...stateDict(m)].map(([name, v]) => ({ name, shape: v.shape }));
  assert.deepEqual(ours, ref.tensors.map(({ name, shape }) => ({ name, shape })));
  m.dispose();
});

test('head bias init follows ultralytics (box 1.0, class log(5/nc/(640/s)^2)); BN gamma 1, beta 0; seeded kaiming bound', async () => {
  await initBackend({ backend: 'cpu' });
  const m = createYolo({ scale: 'n', nc: 7, seed: 3 });
  const named = m.namedTensors();
  const expectCls = [-9.1005, -7.7142, -6.3279];
  for (let i = 0; i < 3; i++) {
    const box = named.get(`model.22.cv2.${i}.2.bias`)!.dataSync();
    assert.equal(box.length, 64);
    assert.ok(box.every((v) => v === 1));
    const cls = named.get(`model.22.cv3.${i}.2.bias`)!.dataSync();
    assert.equal(cls.length, 7);
    for (const v of cls) assert.ok(Math.abs(v - expectCls[i]) < 1e-4, `stride ${8 << i}: ${v}`);
  }
  assert.ok(named.get('model.4.m.1.cv2.bn.weight')!.dataSync().every((v) => v === 1));
  assert.ok(named.get('model.4.m.1.cv2.bn.bias')!.dataSync().every((v) => v === 0));
  const w = named.get('model.1.conv.weight')!; // HWIO [3, 3, 16, 32], fan_in 144
  assert.deepEqual(w.shape, [3, 3, 16, 32]);
  const wd = w.dataSync();
  const bound = 1 / Math.sqrt(144);
  assert.ok(wd.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...wd) > 0.9 * bound && Math.min(...wd) < -0.9 * bound, 'spans the uniform range');
  const again = createYolo({ scale: 'n', nc: 7, seed: 3 });
  const other = createYolo({ scale: 'n', nc: 7, seed: 4 });
  assert.deepEqual(again.namedTensors().get('model.1.conv.weight')!.dataSync(), wd);
  assert.notDeepEqual(other.namedTensors().get('model.1.conv.weight')!.dataSync(), wd);
  [m, again, other].forEach((x) => x.dispose());
});

test('save -> load round trip is bit-identical; strict load names what does not match', async () => {
  await initBackend({ backend: 'cpu' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-weights-'));
  try {
    const a = createYolo({ scale: 'n', nc: 7, seed: 1 });
    const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    tf.dispose(a.forward(x, true)); // moves the BN running stats and num_batches_tracked off their init
    const f1 = path.join(dir, 'a.safetensors');
    saveWeights(a, f1);
    assert.ok(!fs.existsSync(`${f1}.tmp`));
    const b = createYolo({ scale: 'n', nc: 7, seed: 2 });
    const rep = loadWeights(b, f1);
    assert.equal(rep.loaded.length, a.namedTensors().size);
    assert.equal(b.numBatchesTracked, 1);
    for (const [name, v] of a.namedTensors()) assert.deepEqual(b.namedTensors().get(name)!.dataSync(), v.dataSync(), name);
    const f2 = path.join(dir, 'b.safetensors');
    saveWeights(b, f2);
    assert.ok(fs.readFileSync(f1).equals(fs.readFileSync(f2)), 'saved files are byte-identical');

    // A different nc: strict load refuses, naming the mis-shaped class convs; non-strict transfers the rest.
    const c = createYolo({ scale: 'n', nc: 3 });
    const before = c.namedTensors().get('model.22.cv3.0.2.weight')!.dataSync().slice();
    assert.throws(() => loadWeights(c, f1), /a\.safetensors: does not match YOLOv8n nc=3: 6 mis-shaped \(model\.22\.cv3\.0\.2\.weight: file F32\[7,64,1,1\], model expects \[3,64,1,1\]/);
    const partial = loadWeights(c, f1, { strict: false });
    assert.equal(partial.mismatched.length, 6);
    assert.equal(partial.loaded.length, c.namedTensors().size - 6);
    assert.deepEqual(c.namedTensors().get('model.22.cv3.0.2.weight')!.dataSync(), before);
    assert.deepEqual(c.namedTensors().get('model.0.conv.weight')!.dataSync(), a.namedTensors().get('model.0.conv.weight')!.dataSync());
    // A different scale: missing and unexpected names are listed.
    const s = createYolo({ scale: 's', nc: 7 });
    assert.throws(() => loadWeights(s, f1), /mis-shaped/);
    assert.throws(() => loadWeights(s, path.join(dir, 'absent.safetensors')), /absent\.safetensors: cannot read/);
    fs.writeFileSync(path.join(dir, 'bad.safetensors'), Buffer.from('not a safetensors file'));
    assert.throws(() => loadWeights(s, path.join(dir, 'bad.safetensors')), /bad\.safetensors: not a valid safetensors file/);
    [a, b, c, s, x].forEach((m) => m.dispose());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('summary: ultralytics table and GFLOPs (published yolov8 n..x at nc=80: 8.7, 28.6, 78.9, 165.2, 257.8)', () => {
  const published = { n: 8.7, s: 28.6, m: 78.9, l: 165.2, x: 257.8 };
  for (const s of SCALES) assert.ok(Math.abs(summary(resolveYolov8(s, 80)).gflops - published[s]) < 0.06, s);
  const n7 = summary(resolveYolov8('n', 7), 640);
  assert.equal(n7.params, 3_012_213);
  assert.equal(n7.rows.length, 23);
  assert.ok(Math.abs(n7.gflops - 8.09) < 0.01, String(n7.gflops));
  assert.ok(Math.abs(summary(resolveYolov8('n', 7), 320).gflops * 4 - n7.gflops) < 1e-9, 'FLOPs scale with the pixel count');
  assert.deepEqual(n7.rows[22].args, [7, [64, 128, 256]]);
  assert.deepEqual(n7.rows[22].outShape, [[80, 80, 71], [40, 40, 71], [20, 20, 71]]);
  assert.deepEqual(n7.rows.map((r) => r.params).slice(0, 4), [464, 4672, 7360, 18560]);
  const text = formatSummary(n7);
  assert.match(text, /22\s+\[15, 18, 21\]\s+1\s+752677\s+ultralytics\.nn\.modules\.head\.Detect\s+\[7, \[64, 128, 256\]\]/);
  assert.match(text, /3,012,213 parameters/);
});
