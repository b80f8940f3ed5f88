import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { Orientation, inverseOrientation, orientPixels, rawBoxToDisplayed, rawPointToDisplayed } from '../../src/project/data/orientation';
import { prepareDataset } from '../../src/project/data/prepare';
import { readYoloDataset } from '../../src/project/data/yolo-dataset';
import { yoloCxcywhToXyxy } from '../../src/project/data/resize-boxes';
import { tmpDir, writeTacoFixture, FixtureImage } from './fixture';

const ALL: Orientation[] = [1, 2, 3, 4, 5, 6, 7, 8];

test('orientPixels agrees with rawPointToDisplayed, and the inverse orientation undoes it', () => {
  const w = 5, h = 3;
  const px = Uint8Array.from({ length: w * h }, (_, i) => i);
  for (const o of ALL) {
    const d = orientPixels(px, w, h, 1, o);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const [X, Y] = rawPointToDisplayed(x + 0.5, y + 0.5, w, h, o);
      assert.equal(d.data[Math.floor(Y) * d.width + Math.floor(X)], y * w + x, `o=${o} (${x},${y})`);
    }
    const back = orientPixels(d.data, d.width, d.height, 1, inverseOrientation(o));
    assert.deepEqual([...back.data], [...px], `o=${o} round trip`);
    const b = rawBoxToDisplayed([1, 0, 3, 2], w, h, o);
    assert.ok(b[0] < b[2] && b[1] < b[3]);
  }
  // orientation 6 turns the raw top-left corner into the displayed top-right corner
  assert.deepEqual(rawPointToDisplayed(0, 0, 40, 30, 6), [30, 0]);
});

// Displayed 120x80 picture: a red box at (12,8)-(60,40) and a blue box at (80,50)-(112,76), gray elsewhere.
const DW = 120, DH = 80;
const RED: [number, number, number, number] = [12, 8, 48, 32];
const BLUE: [number, number, number, number] = [80, 50, 32, 26];
function displayedPicture(): Uint8Array {
  const px = new Uint8Array(DW * DH * 3).fill(128);
  const fill = (b: number[], c: number[]) => {
    for (let y = b[1]; y < b[1] + b[3]; y++) for (let x = b[0]; x < b[0] + b[2]; x++) px.set(c, (y * DW + x) * 3);
  };
  fill(RED, [230, 20, 20]);
  fill(BLUE, [20, 20, 230]);
  return px;
}

async function storedWithOrientation(o: Orientation): Promise<Buffer> {
  const raw = orientPixels(displayedPicture(), DW, DH, 3, inverseOrientation(o));
  return sharp(Buffer.from(raw.data), { raw: { width: raw.width, height: raw.height, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: o }).toBuffer();
}

async function centreColour(file: string, b: number[]): Promise<number[]> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const x = Math.round((b[0] + b[2]) / 2), y = Math.round((b[1] + b[3]) / 2);
  const i = (y * info.width + x) * info.channels;
  return [data[i], data[i + 1], data[i + 2]];
}

for (const mode of ['stretch', 'letterbox'] as const) {
  test(`EXIF orientations 1-8: pixels auto-oriented and boxes still on their objects after ${mode} to 640`, async () => {
    const root = tmpDir('orient');
    try {
      const imgs: FixtureImage[] = [];
      for (const o of ALL) imgs.push({ file: `batch_1/o${o}.jpg`, bytes: await storedWithOrientation(o), width: DW, height: DH, boxes: [RED, BLUE], cat: 4, test: true });
      await writeTacoFixture(path.join(root, 'taco'), imgs);
      const s = await prepareDataset({ taco: path.join(root, 'taco'), out: path.join(root, 'out'), mode, concurrency: 2 });
      assert.equal(s.images.test, 8);
      assert.equal(s.frames.displayed, 8);
      const { images } = await readYoloDataset(path.join(root, 'out', 'data.yaml'), 'test');
      assert.equal(images.length, 8);
      for (const im of images) {
        assert.equal(im.width, 640);
        assert.equal(im.labels.length, 2);
        assert.ok(im.labels.every((l) => l.cls === 3), 'category 4 (glass) is class 3');
        const [red, blue] = im.labels.map((l) => yoloCxcywhToXyxy([l.cx, l.cy, l.w, l.h], 640, 640));
        const r = await centreColour(im.imagePath, red), b = await centreColour(im.imagePath, blue);
        assert.ok(r[0] > 180 && r[2] < 80, `${path.basename(im.imagePath)}: red box centre is ${r}`);
        assert.ok(b[2] > 180 && b[0] < 80, `${path.basename(im.imagePath)}: blue box centre is ${b}`);
        if (mode === 'stretch') assert.ok(Math.abs(red[0] - (12 * 640) / 120) < 1e-3 && Math.abs(red[3] - (40 * 640) / 80) < 1e-3);
      }
      // the original-frame COCO file keeps the displayed 120x80 frame and the annotated boxes
      const orig = JSON.parse(fs.readFileSync(path.join(root, 'out', 'coco', 'test_original.json'), 'utf8'));
      assert.ok(orig.images.every((im: { width: number; height: number }) => im.width === DW && im.height === DH));
      assert.deepEqual(orig.annotations[0].bbox, RED);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
}

test('annotations drawn on the raw (un-rotated) frame of a 90-degree file are rotated with the pixels', async () => {
  const root = tmpDir('rawframe');
  try {
    const o: Orientation = 6;
    // The annotator saw the stored 80x120 pixels: give the boxes in that frame.
    const toRaw = (b: number[]) => {
      const xyxy = rawBoxToDisplayed([b[0], b[1], b[0] + b[2], b[1] + b[3]], DW, DH, inverseOrientation(o));
      return [xyxy[0], xyxy[1], xyxy[2] - xyxy[0], xyxy[3] - xyxy[1]] as [number, number, number, number];
    };
    await writeTacoFixture(path.join(root, 'taco'), [{ file: 'batch_1/raw.jpg', bytes: await storedWithOrientation(o), width: DH, height: DW, boxes: [toRaw(RED)], test: true }]);
    const s = await prepareDataset({ taco: path.join(root, 'taco'), out: path.join(root, 'out') });
    assert.equal(s.frames.rawFrame, 1);
    const { images } = await readYoloDataset(path.join(root, 'out', 'data.yaml'), 'test');
    const l = images[0].labels[0];
    const c = await centreColour(images[0].imagePath, yoloCxcywhToXyxy([l.cx, l.cy, l.w, l.h], 640, 640));
    assert.ok(c[0] > 180 && c[2] < 80, `box centre is ${c}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
