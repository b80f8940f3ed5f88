import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { prepareDataset } from '../../src/project/data/prepare';
import { parseCoco, DataError } from '../../src/project/data/coco';
import { resolveInside } from '../../src/project/data/safe-path';
import { cleanBox } from '../../src/project/data/box-clean';
import { readYoloDataset } from '../../src/project/data/yolo-dataset';
import { tmpDir, solidJpeg, writeTacoFixture, listTree } from './fixture';

async function withDirs(tag: string, fn: (root: string) => Promise<void>) {
  const root = tmpDir(tag);
  try {
    await fn(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test('a missing image and a corrupt or truncated JPEG are counted drops, named in the summary', () =>
  withDirs('drops', async (root) => {
    const good = await solidJpeg(100, 80);
    await writeTacoFixture(path.join(root, 'taco'), [
      { file: 'batch_1/good.jpg', bytes: good, width: 100, height: 80 },
      { file: 'batch_1/missing.jpg', width: 100, height: 80 },
      { file: 'batch_1/corrupt.jpg', bytes: Buffer.from('this is not a jpeg'), width: 100, height: 80 },
      // (all in train: a split whose every picture is unreadable is an error of its own, test/faults/prepare.test.ts)
      { file: 'batch_1/trunc.jpg', bytes: good.subarray(0, Math.floor(good.length / 2)), width: 100, height: 80 },
    ]);
    const s = await prepareDataset({ taco: path.join(root, 'taco'), out: path.join(root, 'out') });
    assert.equal(s.images.total, 1);
    assert.equal(s.imagesSkipped.missing, 1);
    assert.equal(s.imagesSkipped.decodeError, 2);
    assert.ok(s.skippedExamples.missing.includes('batch_1/missing.jpg'));
    assert.ok(s.skippedExamples.decodeError.some((m) => m.startsWith('batch_1/trunc.jpg')));
    const written = JSON.parse(fs.readFileSync(path.join(root, 'out', 'summary.json'), 'utf8'));
    assert.deepEqual(written.imagesSkipped, s.imagesSkipped);
  }));

test('PNG, grayscale, CMYK and 16-bit inputs become 3-channel 8-bit JPEGs', () =>
  withDirs('formats', async (root) => {
    const base = () => sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 50, b: 50 } } });
    await writeTacoFixture(path.join(root, 'taco'), [
      { file: 'batch_1/png.jpg', bytes: await base().png().toBuffer(), width: 64, height: 48 },
      { file: 'batch_1/gray.jpg', bytes: await base().toColourspace('b-w').jpeg().toBuffer(), width: 64, height: 48 },
      { file: 'batch_1/cmyk.jpg', bytes: await base().toColourspace('cmyk').jpeg().toBuffer(), width: 64, height: 48 },
      { file: 'batch_1/deep.png', bytes: await base().toColourspace('rgb16').png().toBuffer(), width: 64, height: 48 },
      { file: 'batch_1/alpha.png', bytes: await base().ensureAlpha(0.5).png().toBuffer(), width: 64, height: 48 },
    ]);
    const probes = await Promise.all(['png.jpg', 'gray.jpg', 'cmyk.jpg', 'deep.png'].map((f) => sharp(path.join(root, 'taco', 'data', 'batch_1', f)).metadata()));
    assert.deepEqual(probes.map((m) => [m.format, m.space, m.depth]), [['png', 'srgb', 'uchar'], ['jpeg', 'b-w', 'uchar'], ['jpeg', 'cmyk', 'uchar'], ['png', 'rgb16', 'ushort']]);
    const s = await prepareDataset({ taco: path.join(root, 'taco'), out: path.join(root, 'out') });
    assert.equal(s.images.total, 5);
    for (const f of listTree(path.join(root, 'out', 'images'))) {
      const m = await sharp(path.join(root, 'out', 'images', f)).metadata();
      assert.deepEqual([m.format, m.channels, m.depth, m.width, m.height], ['jpeg', 3, 'uchar', 640, 640], f);
    }
  }));

test('unknown images and categories are counted drops; bad boxes are clipped or dropped by reason', () =>
  withDirs('boxes', async (root) => {
    await writeTacoFixture(
      path.join(root, 'taco'),
      [{ file: 'batch_1/a.jpg', bytes: await solidJpeg(100, 80), width: 100, height: 80, boxes: [[-1, 5, 20, 20], [10, 10, 0, 5], [10, 10, 5, -3], [200, 200, 10, 10], [90, 70, 30, 30], [10, 10, 20, 20]] }],
      (train) => {
        train.annotations.push({ id: 900, image_id: 42, category_id: 1, bbox: [1, 1, 5, 5], area: 25, iscrowd: 0 });
        train.annotations.push({ id: 901, image_id: 0, category_id: 99, bbox: [1, 1, 5, 5], area: 25, iscrowd: 0 });
      },
    );
    const s = await prepareDataset({ taco: path.join(root, 'taco'), out: path.join(root, 'out'), valFraction: 0 });
    assert.equal(s.boxes.kept.total, 3);
    assert.equal(s.boxes.clipped, 2);
    assert.deepEqual(s.boxes.dropped, { nonPositiveSize: 2, outsideImage: 1, unknownCategory: 1, unknownImage: 1 });
    const orig = JSON.parse(fs.readFileSync(path.join(root, 'out', 'coco', 'train_original.json'), 'utf8'));
    assert.deepEqual(orig.annotations.map((a: { bbox: number[] }) => a.bbox), [[0, 5, 19, 20], [90, 70, 10, 10], [10, 10, 20, 20]]);
    assert.deepEqual(cleanBox([0, 0, 10, 10], 5, 5), { kind: 'kept', box: [0, 0, 5, 5], clipped: true });
  }));

test('a broken or inconsistent annotations file is a clear error naming the file', () =>
  withDirs('broken', async (root) => {
    await writeTacoFixture(path.join(root, 'taco'), [{ file: 'batch_1/a.jpg', bytes: await solidJpeg(10, 10), width: 10, height: 10 }]);
    const f = path.join(root, 'taco', 'detect-waste', 'annotations_train.json');
    fs.writeFileSync(f, '{"images": [');
    await assert.rejects(prepareDataset({ taco: path.join(root, 'taco'), out: path.join(root, 'out') }), (e: Error) => e instanceof DataError && e.message.includes(f) && /not valid JSON/.test(e.message));
    assert.ok(!fs.existsSync(path.join(root, 'out', 'data.yaml')), 'a failed run leaves no data.yaml');
    const img = (id: number) => ({ id, file_name: `b/${id}.jpg`, width: 1, height: 1 });
    assert.throws(() => parseCoco(JSON.stringify({ images: [img(1), img(1)], annotations: [], categories: [] }), 'x.json'), /x\.json: duplicate image id 1/);
    assert.throws(() => parseCoco(JSON.stringify({ images: [], annotations: [], categories: [{ id: 1, name: 'a' }, { id: 1, name: 'b' }] }), 'x.json'), /duplicate category id 1/);
    assert.throws(() => parseCoco(JSON.stringify({ images: [img(1)], annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 'a', 1] }], categories: [] }), 'x.json'), /annotation id 1 has a bbox/);
    assert.throws(() => parseCoco(JSON.stringify({ images: {} }), 'x.json'), /'images' is missing or not an array/);
    // the same image listed in both splits
    await writeTacoFixture(path.join(root, 'taco2'), [{ file: 'batch_1/a.jpg', bytes: await solidJpeg(10, 10), width: 10, height: 10 }], (train, test) => {
      test.images.push({ ...train.images[0], id: 5 });
    });
    await assert.rejects(prepareDataset({ taco: path.join(root, 'taco2'), out: path.join(root, 'out2') }), /batch_1\/a\.jpg is listed twice/);
  }));

test('file_name with .. or an absolute path is never read; the count says so', () =>
  withDirs('paths', async (root) => {
    fs.writeFileSync(path.join(root, 'secret.jpg'), await solidJpeg(10, 10));
    await writeTacoFixture(path.join(root, 'taco'), [
      { file: 'batch_1/a.jpg', bytes: await solidJpeg(10, 10), width: 10, height: 10 },
      { file: '../../secret.jpg', width: 10, height: 10 },
      { file: path.join(root, 'secret.jpg'), width: 10, height: 10 },
      { file: 'batch_1/../../../secret.jpg', width: 10, height: 10 },
    ]);
    const s = await prepareDataset({ taco: path.join(root, 'taco'), out: path.join(root, 'out') });
    assert.equal(s.images.total, 1);
    assert.equal(s.imagesSkipped.unsafePath, 3);
    assert.equal(resolveInside('/a/b', 'c/../../x'), undefined);
    assert.equal(resolveInside('/a/b', 'c/d.jpg'), path.resolve('/a/b/c/d.jpg'));
  }));

test('an output folder holding other data is refused, untouched; --out inside the input is refused', () =>
  withDirs('outdir', async (root) => {
    await writeTacoFixture(path.join(root, 'taco'), [{ file: 'batch_1/a.jpg', bytes: await solidJpeg(10, 10), width: 10, height: 10 }]);
    const out = path.join(root, 'mine');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'thesis.tex'), 'precious');
    await assert.rejects(prepareDataset({ taco: path.join(root, 'taco'), out }), /already holds other data \(thesis\.tex\)/);
    assert.deepEqual(fs.readdirSync(out), ['thesis.tex']);
    await assert.rejects(prepareDataset({ out }), /already holds other data/); // TACO-mini too
    await assert.rejects(prepareDataset({ taco: path.join(root, 'taco'), out: path.join(root, 'taco', 'out') }), /overlaps the input folder/);
  }));

test('YOLO reader: bad label lines are errors with file and line number', () =>
  withDirs('labels', async (root) => {
    await writeTacoFixture(path.join(root, 'taco'), [{ file: 'batch_1/a.jpg', bytes: await solidJpeg(10, 10), width: 10, height: 10, boxes: [[2, 2, 5, 5]], test: true }]);
    const out = path.join(root, 'out');
    await prepareDataset({ taco: path.join(root, 'taco'), out });
    const lbl = path.join(out, 'labels', 'test', 'batch_1_a.txt');
    const good = fs.readFileSync(lbl, 'utf8');
    const cases: [string, RegExp][] = [
      ['0 0.5 0.5 0.1\n', /:1: expected 'cls cx cy w h'/],
      ['9 0.5 0.5 0.1 0.1\n', /:1: class 9 is outside 0\.\.6/],
      ['0 0.5 0.5 0.1 0.1\n0 0.5 x 0.1 0.1\n', /:2: not a number/],
      ['0 1.5 0.5 0.1 0.1\n', /:1: coordinates must be normalized/],
      ['0 0.5 0.5 0 0.1\n', /:1: box width\/height must be positive/],
    ];
    for (const [text, re] of cases) {
      fs.writeFileSync(lbl, text);
      await assert.rejects(readYoloDataset(path.join(out, 'data.yaml'), 'test'), (e: Error) => e.message.includes(lbl) && re.test(e.message));
    }
    fs.writeFileSync(lbl, good);
    const { images } = await readYoloDataset(path.join(out, 'data.yaml'), 'test');
    assert.equal(images[0].labels.length, 1);
    await assert.rejects(readYoloDataset(path.join(out, 'nope.yaml'), 'test'), /nope\.yaml: cannot read/);
  }));
