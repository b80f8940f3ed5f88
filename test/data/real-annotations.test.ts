import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { sharedPath, skipReason } from '../helpers/shared';
import { readCocoFile, duplicateAnnotationIds } from '../../src/project/data/coco';
import { splitByDetectWaste } from '../../src/project/data/split';
import { DETECT_WASTE_MAPPING, categoryIdToIndex } from '../../src/project/data/classes';
import { cleanBox } from '../../src/project/data/box-clean';
import { cocoToXyxy, CocoDataset } from '../../src/project/data/coco';
import { cocoSizeBuckets, scaleToImgsz, classCounts } from '../../src/project/data/stats';
import { flatName } from '../../src/project/data/safe-path';

const dw = sharedPath('data', 'detect-waste');
const taco = sharedPath('data', 'taco', 'annotations.json');

function load() {
  return { train: readCocoFile(path.join(dw as string, 'annotations_train.json')), test: readCocoFile(path.join(dw as string, 'annotations_test.json')) };
}

test('real detect-waste files: the TACO part is 1183/317 images with 3827/957 boxes, the rest is non-public', (t) => {
  if (!dw) return t.skip(skipReason('data/detect-waste'));
  const sets = load();
  assert.deepEqual(DETECT_WASTE_MAPPING.names, sets.train.categories.sort((a, b) => a.id - b.id).map((c) => c.name));
  // No pixels here: pretend every batch_N file exists, so only the non-public rule removes images.
  const r = splitByDetectWaste(sets, '/nonexistent/taco/data', DETECT_WASTE_MAPPING, () => true);
  const tr = r.items.filter((i) => i.split === 'train'), te = r.items.filter((i) => i.split === 'test');
  assert.equal(tr.length, 1183);
  assert.equal(te.length, 317);
  assert.equal(tr.reduce((s, i) => s + i.annotations.length, 0), 3827);
  assert.equal(te.reduce((s, i) => s + i.annotations.length, 0), 957);
  assert.equal(r.skippedImages.nonPublic, sets.train.images.length + sets.test.images.length - 1500);
  assert.equal(r.skippedImages.missing, 0);
  assert.ok(r.items.every((i) => i.image.id < 1500) && r.skippedExamples.nonPublic.every((f) => f.startsWith('dumped/')));
  // Flat names are unique and keep the batch (batch_3 has IMG_*.JPG names).
  assert.equal(new Set(r.items.map((i) => i.flatName)).size, 1500);
  assert.ok(r.items.some((i) => i.flatName.startsWith('batch_3_IMG_') && i.flatName.endsWith('.jpg')));

  const perClass = (split: 'train' | 'test') => {
    const c: Record<string, number> = {};
    for (const n of DETECT_WASTE_MAPPING.names) c[n] = 0;
    for (const it of r.items.filter((i) => i.split === split))
      for (const a of it.annotations) c[DETECT_WASTE_MAPPING.names[categoryIdToIndex(DETECT_WASTE_MAPPING, a.category_id) as number]]++;
    return c;
  };
  assert.deepEqual(perClass('train'), { metals_and_plastic: 1928, other: 1, non_recyclable: 1089, glass: 216, paper: 208, bio: 8, unknown: 377 });
  assert.deepEqual(perClass('test'), { metals_and_plastic: 475, other: 1, non_recyclable: 262, glass: 32, paper: 47, bio: 0, unknown: 140 });
});

test('real detect-waste files: only present images are kept, the others are counted as missing', (t) => {
  if (!dw) return t.skip(skipReason('data/detect-waste'));
  const r = splitByDetectWaste(load(), '/taco/data', DETECT_WASTE_MAPPING, (p) => p.startsWith('/taco/data/batch_1/'));
  assert.ok(r.items.length > 0 && r.items.every((i) => i.image.file_name.startsWith('batch_1/')));
  assert.equal(r.items.length + r.skippedImages.missing, 1500);
});

test('real test split: COCO large boxes are 530 at full resolution and far fewer at 640', (t) => {
  if (!dw) return t.skip(skipReason('data/detect-waste'));
  const te = load().test;
  const ids = new Set(te.images.filter((im) => !im.file_name.startsWith('dumped/')).map((im) => im.id));
  const part: CocoDataset = { ...te, images: te.images.filter((im) => ids.has(im.id)), annotations: te.annotations.filter((a) => ids.has(a.image_id)) };
  const full = cocoSizeBuckets(part);
  const at640 = cocoSizeBuckets(part, scaleToImgsz(part, 640));
  assert.equal(full.large, 530); // the seed's figure
  assert.equal(full.small + full.medium + full.large, 957);
  assert.equal(at640.large, 130); // polygon areas scaled by (640/W)(640/H); the seed's Roboflow export reported 110
  assert.equal(classCounts(part).metals_and_plastic, 475);
});

test('real TACO annotations.json: 1500 images, 4784 boxes, 60 categories; the 7 negative boxes are clipped, not lost', (t) => {
  if (!taco) return t.skip(skipReason('data/taco/annotations.json'));
  const ds = readCocoFile(taco);
  assert.equal(ds.images.length, 1500);
  assert.equal(ds.annotations.length, 4784);
  assert.equal(ds.categories.length, 60);
  assert.equal(duplicateAnnotationIds(ds), 2); // ids 309 and 4040 repeat: tolerated, outputs renumber
  const ims = new Map(ds.images.map((im) => [im.id, im]));
  const neg = ds.annotations.filter((a) => a.bbox[0] < 0 || a.bbox[1] < 0);
  assert.equal(neg.length, 7);
  for (const a of neg) {
    const im = ims.get(a.image_id)!;
    const c = cleanBox(cocoToXyxy(a.bbox), im.width, im.height);
    assert.equal(c.kind, 'kept');
    if (c.kind === 'kept') assert.ok(c.clipped && c.box[0] >= 0 && c.box[1] >= 0);
  }
  assert.ok(ds.images.every((im) => /^https?:\/\//.test(String(im.flickr_url))), 'every image has a download URL');
  assert.equal(new Set(ds.images.map((im) => flatName(im.file_name))).size, 1500);
  if (dw) {
    // detect-waste's TACO part states the same sizes as TACO (so the same frame).
    const byFile = new Map(ds.images.map((im) => [im.file_name, im]));
    const sets = load();
    for (const im of [...sets.train.images, ...sets.test.images].filter((i) => !i.file_name.startsWith('dumped/'))) {
      const o = byFile.get(im.file_name);
      assert.ok(o && o.width === im.width && o.height === im.height, im.file_name);
    }
  }
});
