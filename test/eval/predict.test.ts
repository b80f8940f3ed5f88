import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { initBackend } from '../../src/project/backend/init';
import { predictFolder, predictImages, runDir, listImages } from '../../src/project/eval/predict';
import { stretchTransform, inputToOriginalXyxy, originalToInputXyxy, roundHalfEven } from '../../src/project/eval/frame-transform';
import { letterboxGeometry, predictTransform, valTransform } from '../../src/project/eval/letterbox-geometry';
import { predictBatch } from '../../src/project/eval/input-batch';
import { decodeRgb } from '../../src/project/data/loader/train-loader';

/** A fake model: one box centred at (320, 320), 64 x 32, class 1 at 0.9, plus a weak anchor; checks its input. */
function fakePredict(seen: number[][]) {
  return (x: tf.Tensor4D): tf.Tensor3D => {
    seen.push(x.shape);
    const B = x.shape[0];
    return tf.tidy(() => {
      const one = tf.tensor2d([[320, 100], [320, 100], [64, 10], [32, 10], [0.05, 0.1], [0.9, 0.1]], [6, 2]);
      return tf.stack(new Array(B).fill(one)) as tf.Tensor3D;
    });
  };
}

test('frame transforms: ultralytics letterbox geometry, stretch gains, round trip', () => {
  assert.equal(roundHalfEven(2.5), 2); assert.equal(roundHalfEven(3.5), 4); assert.equal(roundHalfEven(-2.5), -2);
  const lb = predictTransform(200, 100, letterboxGeometry(200, 100, [640, 640]));
  assert.deepEqual([lb.resizedWidth, lb.resizedHeight, lb.padX, lb.padY, lb.gainX], [640, 320, 0, 160, 3.2]);
  const odd = predictTransform(1000, 333, letterboxGeometry(1000, 333, [640, 640])); // 640 x 213: pad 213.5 -> top 213, bottom 214
  assert.deepEqual([odd.resizedHeight, odd.padY], [213, 213]);
  const auto = predictTransform(1000, 333, letterboxGeometry(1000, 333, [640, 640], { auto: true })); // 213 -> 224: 5 above
  assert.deepEqual([auto.inputWidth, auto.inputHeight, auto.padY], [640, 224, 5]);
  // Validation: load_image took 1000x333 to 640x214 (ceil); its height ratio is the one gain, as ratio_pad says.
  const val = valTransform(1000, 333, 214, letterboxGeometry(640, 214, [256, 672], { scaleup: false }));
  assert.deepEqual([val.inputWidth, val.inputHeight, val.padX, val.padY, val.gainX, val.gainY], [672, 256, 16, 21, 214 / 333, 214 / 333]);
  const st = stretchTransform(200, 100, 640);
  assert.deepEqual([st.gainX, st.gainY, st.padX, st.padY], [3.2, 6.4, 0, 0]);
  const box = Float32Array.from([10, 20, 150, 90]);
  for (const t of [lb, st, odd, auto, val]) {
    const back = inputToOriginalXyxy(originalToInputXyxy(box, t), t);
    back.forEach((v, i) => assert.ok(Math.abs(v - box[i]) < 1e-3));
  }
  assert.deepEqual(Array.from(inputToOriginalXyxy([-50, -50, 9999, 9999], st)), [0, 0, 200, 100], 'clipped to the image');
});

test('predict: preprocessing, batches, NMS and mapping back to the original frame (stretch and letterbox), outputs', async () => {
  await initBackend({ backend: 'cpu' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-predict-'));
  try {
    // 100 x 200 stored pixels with EXIF orientation 6: displayed as 200 x 100.
    const raw = await sharp({ create: { width: 100, height: 200, channels: 3, background: { r: 10, g: 200, b: 30 } } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    for (const n of ['1.jpg', '2.jpg', 'b.jpg']) fs.writeFileSync(path.join(dir, n), raw);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an image');
    const files = listImages(dir);
    assert.equal(files.length, 3);

    const prep = predictBatch([await decodeRgb(files[0])], 64); // auto: 64 x 32, no padding
    assert.deepEqual([prep.width, prep.height, prep.data.length], [64, 32, 64 * 32 * 3]);
    assert.equal(prep.transforms[0].width0, 200, 'EXIF orientation applied');
    const mixed = predictBatch([await decodeRgb(files[0]), { data: new Uint8Array(3 * 4 * 8), width: 4, height: 8 }], 64);
    assert.ok(Math.abs(mixed.data[0] - 114 / 255) < 1e-6, 'square letterbox padding is grey 114');
    const mid = (32 * 64 + 32) * 3;
    assert.ok(Math.abs(mixed.data[mid + 1] - 200 / 255) < 0.05, 'image pixels in RGB order, 0..1');

    const seen: number[][] = [];
    const before = tf.memory().numTensors;
    const st = await predictImages(files, { predictFn: fakePredict(seen), nc: 2, imgsz: 640, resize: 'stretch', batch: 2, conf: 0.25 });
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
    assert.deepEqual(seen, [[2, 640, 640, 3], [1, 640, 640, 3]]);
    assert.equal(st.results.length, 3);
    const r = st.results[0];
    assert.deepEqual(Array.from(r.classes), [1]);
    assert.deepEqual(Array.from(r.boxes).map((v) => +v.toFixed(4)), [90, 47.5, 110, 52.5]);
    assert.ok(st.timing.imagesPerSecond > 0);

    // ultralytics predict on one picture: LetterBox auto, 200x100 -> 640x320 with no padding (a multiple of 32);
    // the fake box (y 304..336 of the input) maps to y 95..105, clipped to the picture's 100.
    const lbSeen: number[][] = [];
    const lb = await predictImages(files.slice(0, 1), { predictFn: fakePredict(lbSeen), nc: 2, imgsz: 640, resize: 'letterbox', batch: 1 });
    assert.deepEqual(lbSeen, [[1, 320, 640, 3]]);
    assert.deepEqual(Array.from(lb.results[0].boxes).map((v) => +v.toFixed(4)), [90, 95, 110, 100]);
    // Pictures of different shapes in one batch: the square 640x640 letterbox, padding centred (160 above).
    const tall = path.join(dir, 'tall.png');
    await sharp({ create: { width: 50, height: 100, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toFile(tall);
    const sqSeen: number[][] = [];
    const sq = await predictImages([files[0], tall], { predictFn: fakePredict(sqSeen), nc: 2, imgsz: 640, resize: 'letterbox', batch: 2 });
    assert.deepEqual(sqSeen, [[2, 640, 640, 3]]);
    assert.deepEqual(Array.from(sq.results[0].boxes).map((v) => +v.toFixed(4)), [90, 45, 110, 55]);
    fs.rmSync(tall);

    const out = runDir(path.join(dir, 'runs', 'predict'), 'exp');
    assert.equal(path.basename(runDir(path.join(dir, 'runs', 'predict'), 'exp')), 'exp2', 'never reuses a run folder');
    const res = await predictFolder(files, out, {
      predictFn: fakePredict([]), nc: 2, imgsz: 640, resize: 'stretch', save: true, saveTxt: true, saveJson: true,
      names: ['glass', 'paper'], indexToCategoryId: [4, 5],
    });
    const coco = JSON.parse(fs.readFileSync(path.join(out, 'predictions.json'), 'utf8'));
    assert.deepEqual(coco[0], { image_id: 1, category_id: 5, bbox: [90, 47.5, 20, 5], score: 0.9 });
    assert.equal(coco[2].image_id, 'b');
    assert.equal(res.coco.length, 3);
    assert.equal(fs.readFileSync(path.join(out, 'labels', '1.txt'), 'utf8'), '1 0.5 0.5 0.1 0.05\n');
    const drawn = await sharp(path.join(out, '1.jpg')).metadata();
    assert.deepEqual([drawn.width, drawn.height], [200, 100]);
    assert.ok(!fs.readdirSync(out).some((f) => f.endsWith('.tmp')));
    await assert.rejects(predictFolder(files, out, { predictFn: fakePredict([]), nc: 2, saveJson: true, names: ['a', 'b'] }), /mapping/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
