import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { Rng } from '../../src/project/random';
import { Sample } from '../../src/project/data/augment/image';
import { augmentSample, DEFAULT_AUGMENT } from '../../src/project/data/augment/pipeline';
import { ImageCache, LabeledImage, TrainLoader } from '../../src/project/data/loader/train-loader';
import { BatchPipeline } from '../../src/project/data/loader/batch-pipeline';
import { CheckpointWriter, readCommitted } from '../../src/project/train/checkpoint';
import { encodeSafetensors, readSafetensors } from '../../src/project/model/weights/safetensors';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-pipeline-'));
const IMGSZ = 64;

/** Seven small JPEGs of different sizes and colours, each with two boxes; one more file is not an image. */
async function images(): Promise<LabeledImage[]> {
  const items: LabeledImage[] = [];
  for (let i = 0; i < 7; i++) {
    const w = 40 + 13 * i, h = 90 - 7 * i;
    const raw = Buffer.alloc(w * h * 3);
    for (let k = 0; k < raw.length; k++) raw[k] = (k * (i + 3) + ((k / (w * 3)) | 0) * 5) & 255;
    const file = path.join(tmp, `img${i}.jpg`);
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg().toFile(file);
    items.push({ imagePath: file, labels: [{ cls: i % 3, cx: 0.4, cy: 0.5, w: 0.3, h: 0.4 }, { cls: 1, cx: 0.7, cy: 0.3, w: 0.2, h: 0.2 }] });
  }
  const bad = path.join(tmp, 'bad.jpg');
  fs.writeFileSync(bad, 'not a jpeg');
  items.push({ imagePath: bad, labels: [] });
  return items;
}

/** The loader as it was before batches moved to a worker: one seed per decoded image, augmented in order. */
async function referenceBatch(cache: ImageCache, rng: Rng, indices: number[], mosaic: boolean): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const i of indices) {
    const base = await cache.get(i);
    if (!base) continue;
    const local = new Rng(rng.nextU32());
    const preview = new Rng(local.getState());
    const partners: number[] = [];
    if (mosaic && preview.random() < DEFAULT_AUGMENT.mosaic) for (let j = 0; j < 3; j++) partners.push(preview.int(cache.size));
    for (const p of partners) await cache.get(p);
    out.push(augmentSample(i, cache.size, (k) => (k === i ? base : cache.peek(k) ?? base), IMGSZ, DEFAULT_AUGMENT, mosaic, local));
  }
  return out;
}

test('worker-built batches equal in-process ones and the pre-worker loader, for the same seed', async () => {
  await initBackend({ backend: 'cpu' });
  const items = await images();
  const before = tf.memory().numTensors;
  const refCache = new ImageCache(items, IMGSZ);
  const refRng = new Rng(11);
  const local = new TrainLoader(new ImageCache(items, IMGSZ), 3, DEFAULT_AUGMENT, new Rng(11));
  const threaded = BatchPipeline.create(new TrainLoader(new ImageCache(items, IMGSZ), 3, DEFAULT_AUGMENT, new Rng(11)), true);
  assert.ok(threaded.threaded);
  try {
    for (const [epoch, mosaic] of [[0, true], [1, false]] as const) {
      const order = refRng.shuffle(Array.from({ length: items.length }, (_, i) => i));
      assert.deepEqual(local.epochOrder(), order, `epoch ${epoch} order`);
      assert.deepEqual(threaded.loader.epochOrder(), order, `epoch ${epoch} order`);
      for (let s = 0; s < order.length; s += 3) {
        const idx = order.slice(s, s + 3);
        const ref = await referenceBatch(refCache, refRng, idx, mosaic);
        const a = await local.makeBatch(idx, mosaic);
        const b = await threaded.build(idx, mosaic);
        if (ref.length === 0) {
          assert.equal(a, undefined);
          assert.equal(b, undefined);
          continue;
        }
        assert.ok(a && b);
        const pa = a.images.dataSync(), pb = b.images.dataSync();
        assert.deepEqual(a.images.shape, [ref.length, IMGSZ, IMGSZ, 3]);
        ref.forEach((r, k) => {
          const plane = IMGSZ * IMGSZ * 3;
          for (let j = 0; j < plane; j += 97) assert.equal(pa[k * plane + j], Math.fround(r.image.data[j] / 255), `pixel ${j} of sample ${k}`);
          assert.deepEqual(Array.from(a.samples[k].boxes.xyxy), Array.from(r.boxes.xyxy));
        });
        assert.deepEqual(Array.from(pb), Array.from(pa), `epoch ${epoch} batch ${s / 3} pixels`);
        assert.deepEqual(b.targets, a.targets);
        assert.deepEqual(b.indices, a.indices);
        a.images.dispose();
        b.images.dispose();
      }
    }
    assert.equal(local.cache.failed.size, 1);
    // The seeded stream continues identically after an epoch, as a resumed run needs.
    assert.deepEqual(threaded.loader.rng.getState(), refRng.getState());
    assert.deepEqual(local.rng.getState(), refRng.getState());
  } finally {
    await threaded.close();
  }
  assert.equal(tf.memory().numTensors, before);
});

test('checkpoint writer (worker thread): the JSON commits, a kill at any point leaves a loadable checkpoint, a failed write is reported', async () => {
  const dir = path.join(tmp, 'weights');
  const w = new CheckpointWriter(dir);
  const snap = (e: number) => ({
    tag: 'last',
    files: [
      { ext: '.safetensors', bytes: encodeSafetensors(new Map([['w', { dtype: 'F32' as const, shape: [2], data: Float32Array.of(e, e) }]]), { token: `t${e}` }) },
      { ext: '.state.safetensors', bytes: encodeSafetensors(new Map([['m', { dtype: 'F32' as const, shape: [1], data: Float32Array.of(-e) }]]), { token: `t${e}` }) },
    ],
    json: JSON.stringify({ epoch: e, token: `t${e}` }),
  });
  await w.save(snap(1), 'best');
  await w.save(snap(2));
  await w.close();
  assert.deepEqual(fs.readdirSync(dir).sort(), ['best.json', 'best.safetensors', 'best.state.safetensors', 'last.json', 'last.safetensors', 'last.state.safetensors']);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'last.json'), 'utf8')).epoch, 2);
  assert.equal(readCommitted(dir, 'last', '.safetensors', 't2').tensors.get('w')!.data[0], 2);
  assert.equal(readCommitted(dir, 'best', '.state.safetensors', 't1').tensors.get('m')!.data[0], -1);

  // Killed after the JSON of save 3 but before its renames: the pending file is found and moved into place.
  const s3 = snap(3);
  fs.writeFileSync(path.join(dir, 'last.pending.safetensors'), s3.files[0].bytes);
  fs.writeFileSync(path.join(dir, 'last.json'), s3.json);
  assert.equal(readCommitted(dir, 'last', '.safetensors', 't3').tensors.get('w')!.data[0], 3);
  assert.ok(!fs.existsSync(path.join(dir, 'last.pending.safetensors')));
  assert.equal(readSafetensors(path.join(dir, 'last.safetensors')).metadata?.token, 't3');
  // A tensor file of another save than the JSON's is refused, never mixed in.
  assert.throws(() => readCommitted(dir, 'last', '.state.safetensors', 't3'), /last\.state\.safetensors: belongs to another save than last\.json/);

  const blocked = path.join(tmp, 'blocked');
  fs.writeFileSync(blocked, 'a file where the folder should be');
  const bad = new CheckpointWriter(path.join(blocked, 'weights'));
  await bad.save(snap(4));
  await assert.rejects(bad.flush(), /checkpoint write failed: .*(EEXIST|ENOTDIR)/);
  await assert.rejects(bad.close(), /EEXIST|ENOTDIR/);
});
