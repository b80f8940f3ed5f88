import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Rng } from '../../src/project/random';
import { RgbImage, Sample, filledImage } from '../../src/project/data/augment/image';
import { letterbox, letterboxBoxes } from '../../src/project/data/augment/letterbox';
import { randomFlipLR } from '../../src/project/data/augment/flip';
import { randomHsv } from '../../src/project/data/augment/hsv';
import { augmentSample, DEFAULT_AUGMENT } from '../../src/project/data/augment/pipeline';

/** A grey image with one saturated red rectangle, and that rectangle as its box. */
function redBox(w: number, h: number, box: [number, number, number, number]): Sample {
  const img = filledImage(w, h, 60);
  for (let y = box[1]; y < box[3]; y++) for (let x = box[0]; x < box[2]; x++) img.data.set([230, 20, 20], (y * w + x) * 3);
  return { image: img, boxes: { xyxy: Float32Array.from(box), cls: Int32Array.from([3]) } };
}

/** Fraction of red-dominant pixels inside a box. */
function redFraction(img: RgbImage, b: ArrayLike<number>): number {
  let red = 0, n = 0;
  for (let y = Math.ceil(b[1]) + 1; y < Math.floor(b[3]) - 1; y++)
    for (let x = Math.ceil(b[0]) + 1; x < Math.floor(b[2]) - 1; x++) {
      const o = (y * img.width + x) * 3;
      n++;
      if (img.data[o] > img.data[o + 1] + 60 && img.data[o] > img.data[o + 2] + 60) red++;
    }
  return n ? red / n : 0;
}

test('rng is deterministic, resumable from its state, and uniform enough', () => {
  const a = new Rng(42), b = new Rng(42);
  const xs = Array.from({ length: 5 }, () => a.random());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.random()));
  const c = new Rng(a.getState());
  assert.equal(c.random(), a.random());
  const r = new Rng(1);
  const mean = Array.from({ length: 20000 }, () => r.random()).reduce((s, x) => s + x, 0) / 20000;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  assert.notEqual(new Rng(1).random(), new Rng(2).random());
});

test('letterbox keeps the aspect ratio, centres the image and moves boxes with it', () => {
  const s = redBox(200, 100, [20, 10, 60, 50]);
  const { image, info } = letterbox(s.image, 100);
  assert.equal(image.width, 100);
  assert.equal(info.ratio, 0.5);
  assert.equal(info.padY, 25);
  const b = letterboxBoxes(s.boxes, info);
  assert.deepEqual(Array.from(b.xyxy), [10, 30, 30, 50]);
  assert.ok(redFraction(image, b.xyxy) > 0.95);
  assert.equal(image.data[0], 114); // pad is grey 114
});

test('horizontal flip mirrors pixels and boxes', () => {
  const s = redBox(50, 40, [5, 10, 15, 30]);
  const f = randomFlipLR(s, 1, new Rng(0));
  assert.deepEqual(Array.from(f.boxes.xyxy), [35, 10, 45, 30]);
  assert.ok(redFraction(f.image, f.boxes.xyxy) > 0.95);
  assert.equal(randomFlipLR(s, 0, new Rng(0)), s);
});

test('HSV with zero gains is the identity; with gains it changes colours but not geometry', () => {
  const s = redBox(30, 30, [5, 5, 20, 20]);
  assert.equal(randomHsv(s.image, { h: 0, s: 0, v: 0 }, new Rng(0)), s.image);
  // round trip RGB->HSV->RGB with unit gains changes pixels by at most a rounding step
  const id = randomHsv(s.image, { h: 1e-12, s: 1e-12, v: 1e-12 }, new Rng(0));
  let maxd = 0;
  for (let i = 0; i < id.data.length; i++) maxd = Math.max(maxd, Math.abs(id.data[i] - s.image.data[i]));
  assert.ok(maxd <= 3, `hsv round trip moved a pixel by ${maxd}`);
});

test('mosaic + affine + hsv + flip: boxes stay on their pixels, outputs are imgsz, same seed same bytes', () => {
  const pool = [redBox(120, 80, [10, 10, 60, 50]), redBox(80, 120, [20, 30, 70, 100]), redBox(100, 100, [40, 40, 90, 90]), redBox(90, 60, [5, 5, 45, 40])];
  const get = (i: number) => pool[i];
  let checked = 0;
  for (let seed = 0; seed < 12; seed++) {
    for (const mosaicOn of [true, false]) {
      const out = augmentSample(seed % 4, 4, get, 96, { ...DEFAULT_AUGMENT, hsvH: 0, hsvS: 0, hsvV: 0 }, mosaicOn, new Rng(seed));
      assert.equal(out.image.width, 96);
      assert.equal(out.image.height, 96);
      for (let k = 0; k < out.boxes.cls.length; k++) {
        const b = out.boxes.xyxy.subarray(k * 4, k * 4 + 4);
        assert.ok(b[0] >= 0 && b[2] <= 96 && b[1] >= 0 && b[3] <= 96 && b[2] > b[0] && b[3] > b[1]);
        assert.equal(out.boxes.cls[k], 3);
        if (b[2] - b[0] > 8 && b[3] - b[1] > 8) {
          assert.ok(redFraction(out.image, b) > 0.8, `seed ${seed}: box ${Array.from(b)} is not on its pixels`);
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 10, `only ${checked} boxes checked`);
  const a = augmentSample(1, 4, get, 96, DEFAULT_AUGMENT, true, new Rng(7));
  const b = augmentSample(1, 4, get, 96, DEFAULT_AUGMENT, true, new Rng(7));
  assert.deepEqual(a.image.data, b.image.data);
  assert.deepEqual(a.boxes, b.boxes);
});

test('warpAffine matches a plain bilinear reference, borders included', () => {
  const { warpAffine } = require('../../src/project/data/augment/affine') as typeof import('../../src/project/data/augment/affine');
  const r = new Rng(9);
  const img = { data: Uint8Array.from({ length: 23 * 17 * 3 }, () => r.int(256)), width: 23, height: 17 };
  const m: [number, number, number, number, number, number] = [0.8, 0.15, -3.2, -0.1, 1.3, 2.7];
  const out = warpAffine(img, m, 29, 21);
  const det = m[0] * m[4] - m[1] * m[3];
  const px = (x: number, y: number, ch: number) => (x < 0 || y < 0 || x >= 23 || y >= 17 ? 114 : img.data[(y * 23 + x) * 3 + ch]);
  let maxd = 0;
  for (let y = 0; y < 21; y++)
    for (let x = 0; x < 29; x++) {
      // invert [a b c; d e f] at (x, y)
      const u = x - m[2], v = y - m[5];
      const sx = (m[4] * u - m[1] * v) / det, sy = (-m[3] * u + m[0] * v) / det;
      const x0 = Math.floor(sx), y0 = Math.floor(sy), wx = sx - x0, wy = sy - y0;
      for (let ch = 0; ch < 3; ch++) {
        const top = px(x0, y0, ch) * (1 - wx) + px(x0 + 1, y0, ch) * wx;
        const bot = px(x0, y0 + 1, ch) * (1 - wx) + px(x0 + 1, y0 + 1, ch) * wx;
        maxd = Math.max(maxd, Math.abs(out.data[(y * 29 + x) * 3 + ch] - (top * (1 - wy) + bot * wy)));
      }
    }
  assert.ok(maxd <= 0.5 + 1e-6, `max difference ${maxd}`);
});
