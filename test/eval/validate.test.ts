/**
 * The trainer's validation pass is ultralytics' validator too: on coco8 with ultralytics' yolov8n.pt it gives
 * the metrics real ultralytics 8.0.200 gave (rect batches of 8, INTER_AREA load_image, ratio_pad mapping), the
 * same as `taco val`; square inputs (--no-rect) are a different, still sane, pass.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { readYoloDataset } from '../../src/project/data/yolo-dataset';
import { loadYolo } from '../../src/project/model/load';
import { ImageCache } from '../../src/project/data/loader/train-loader';
import { validate } from '../../src/project/eval/validate';
import { sharedPath, skipReason } from '../helpers/shared';

const REAL = sharedPath('real', 'reference', 'coco8-val.json') ? path.resolve(sharedPath('real')!) : undefined;

test('validate (the pass the trainer runs, with losses) on coco8 with yolov8n.pt equals ultralytics 8.0.200 val (mAP50, mAP50-95, P, R), without leaking tensors', { skip: REAL ? false : skipReason('real/reference') }, async () => {
  await initBackend({});
  const ref = JSON.parse(fs.readFileSync(path.join(REAL!, 'reference', 'coco8-val.json'), 'utf8'));
  const { images, data } = await readYoloDataset(path.join(REAL!, 'coco8', 'data.yaml'), 'val');
  const { model } = await loadYolo(path.join(REAL!, 'weights', 'yolov8n.pt'));
  try {
    const cache = new ImageCache(images.map((im) => ({ imagePath: im.imagePath, labels: im.labels })), 640, true, false);
    const before = tf.memory().numTensors;
    const run = await validate(model, cache, data.names, { batch: 8, losses: true });
    const m = { ...run.validation.metrics, valLoss: run.valLoss! };
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
    const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-3, `${what}: ${a} vs ultralytics ${b}`);
    near(m.map50, ref.map50, 'mAP50');
    near(m.map, ref.map50_95, 'mAP50-95');
    near(m.p, ref.mp, 'P');
    near(m.r, ref.mr, 'R');
    assert.equal(m.images, 4);
    assert.equal(m.instances, 17);
    assert.ok(m.valLoss.every((v) => Number.isFinite(v) && v > 0), `val losses ${m.valLoss}`);
    assert.equal(run.predictions.length, 4);
    assert.deepEqual(run.skipped, []);
    const sq = (await validate(model, cache, data.names, { batch: 8, rect: false })).validation.metrics;
    assert.ok(sq.map50 > 0.5 && sq.map50 <= 1, `square inputs: mAP50 ${sq.map50}`);
  } finally {
    model.dispose();
  }
});
