import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { configRows, defaultRunName, normalizeModel, part1Config } from '../../src/project/part1/config';

const ROOT = '/proj';

test('no TACO_DIR: the TACO-mini demo defaults (yolov8n, 30 epochs, 160, batch 8, automatic backend, AdamW 0.002)', () => {
  const c = part1Config({}, ROOT);
  assert.equal(c.tacoDir, undefined);
  assert.deepEqual([c.model, c.epochs, c.imgsz, c.batch, c.backend, c.optimizer, c.lr0, c.momentum, c.warmupEpochs, c.closeMosaic], ['yolov8n', 30, 160, 8, undefined, 'AdamW', 0.002, 0.9, 1, 5]);
  assert.equal(c.dataOut, path.join(ROOT, 'datasets/taco-mini'));
  assert.equal(c.project, path.join(ROOT, 'runs/train'));
  assert.equal(c.name, 'part1-mini-yolov8n-160-e30');
  assert.equal(c.retrain, false);
  assert.equal(c.download, false);
});

test('TACO_DIR set: the real experiment (yolov8x, 100 epochs, 640, automatic backend, ultralytics optimizer defaults)', () => {
  const c = part1Config({ TACO_DIR: 'data/TACO' }, ROOT);
  assert.equal(c.tacoDir, path.join(ROOT, 'data/TACO'));
  assert.deepEqual([c.model, c.epochs, c.imgsz, c.backend, c.optimizer, c.lr0, c.closeMosaic], ['yolov8x', 100, 640, undefined, 'auto', 0.01, 10]);
  assert.equal(c.dataOut, path.join(ROOT, 'datasets/taco'));
  assert.equal(c.name, 'part1-taco-yolov8x-640-e100-ft', 'fine-tuned from the COCO-pretrained yolov8x.pt, as the seed did');
  assert.equal(c.weights, 'yolov8x');
});

test('every variable overrides its default; RETRAIN and TACO_DOWNLOAD read as flags', () => {
  const c = part1Config({ TACO_MODEL: 's', TACO_EPOCHS: '3', TACO_IMGSZ: '64', TACO_BATCH: '2', TACO_BACKEND: 'cpu', RETRAIN: '1', TACO_DOWNLOAD: 'yes', TACO_RUNS: '/tmp/r', TACO_DATA_OUT: '/tmp/d' }, ROOT);
  assert.deepEqual([c.model, c.epochs, c.imgsz, c.batch, c.backend, c.retrain, c.download, c.project, c.dataOut], ['yolov8s', 3, 64, 2, 'cpu', true, true, '/tmp/r', '/tmp/d']);
  assert.equal(c.closeMosaic, 3, 'close_mosaic never exceeds the epochs');
  assert.equal(part1Config({ RETRAIN: '0' }, ROOT).retrain, false);
  assert.equal(part1Config({ RETRAIN: 'false' }, ROOT).retrain, false);
  assert.equal(part1Config({ RETRAIN: '' }, ROOT).retrain, false);
  assert.equal(part1Config({ TACO_RUN_NAME: 'mine' }, ROOT).name, 'mine');
});

test('bad values are errors that name the variable', () => {
  assert.throws(() => part1Config({ TACO_IMGSZ: '100' }, ROOT), /TACO_IMGSZ=100: want a multiple of 32/);
  assert.throws(() => part1Config({ TACO_EPOCHS: 'ten' }, ROOT), /TACO_EPOCHS=ten/);
  assert.throws(() => part1Config({ TACO_BATCH: '0' }, ROOT), /TACO_BATCH=0/);
  assert.throws(() => part1Config({ TACO_MODEL: 'yolov5n' }, ROOT), /unknown model "yolov5n"/);
  assert.throws(() => part1Config({ TACO_OPTIMIZER: 'RMSProp' }, ROOT), /TACO_OPTIMIZER=RMSProp/);
});

test('model names, run names and the config table', () => {
  assert.equal(normalizeModel('X'), 'yolov8x');
  assert.equal(normalizeModel('yolov8m.pt'), 'yolov8m');
  assert.equal(defaultRunName({ tacoDir: undefined, model: 'yolov8n', imgsz: 64, epochs: 2 }), 'part1-mini-yolov8n-64-e2');
  const rows = configRows(part1Config({}, ROOT));
  assert.ok(rows.some((r) => r.variable === 'RETRAIN' && r.value === 'no'));
  assert.ok(rows.some((r) => r.variable === 'TACO_DIR' && /TACO-mini/.test(r.value)));
  assert.ok(rows.some((r) => r.setting === 'run folder' && r.value === 'runs/train/part1-mini-yolov8n-160-e30'));
});

test('initial weights: the real experiment fine-tunes the pretrained checkpoint of its scale; the demo only from the cache; TACO_WEIGHTS overrides', () => {
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-wcache-'));
  try {
    const real = part1Config({ TACO_DIR: 'data/TACO', TACO_WEIGHTS_DIR: cache }, ROOT);
    assert.equal(real.weights, 'yolov8x', 'a bare name: fetched into the cache when missing');
    assert.equal(real.name, 'part1-taco-yolov8x-640-e100-ft');
    assert.match(configRows(real).find((r) => r.variable === 'TACO_WEIGHTS')!.value, /COCO-pretrained/);
    const mini = part1Config({ TACO_WEIGHTS_DIR: cache }, ROOT);
    assert.equal(mini.weights, undefined, 'the demo never downloads');
    assert.equal(mini.name, 'part1-mini-yolov8n-160-e30');
    fs.writeFileSync(path.join(cache, 'yolov8n.pt'), 'x');
    const cached = part1Config({ TACO_WEIGHTS_DIR: cache }, ROOT);
    assert.equal(cached.weights, path.join(cache, 'yolov8n.pt'), 'a cached checkpoint is used, and the table says so');
    assert.match(cached.weightsNote, /weights cache/);
    assert.equal(part1Config({ TACO_DIR: 'd', TACO_WEIGHTS: 'none', TACO_WEIGHTS_DIR: cache }, ROOT).weights, undefined);
    assert.equal(part1Config({ TACO_DIR: 'd', TACO_WEIGHTS: 'yolov8s.pt', TACO_WEIGHTS_DIR: cache }, ROOT).weights, 'yolov8s');
    assert.equal(part1Config({ TACO_WEIGHTS: 'w/best.safetensors', TACO_WEIGHTS_DIR: cache }, ROOT).weights, path.join(ROOT, 'w/best.safetensors'));
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
