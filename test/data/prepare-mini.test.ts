import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { prepareDataset, MINI_DIR } from '../../src/project/data/prepare';
import { generateTacoMini } from '../../src/project/data/taco-mini';
import { readYoloDataset, readDataYaml } from '../../src/project/data/yolo-dataset';
import { yoloCxcywhToXyxy } from '../../src/project/data/resize-boxes';
import { DETECT_WASTE_MAPPING, indexToCategoryId } from '../../src/project/data/classes';
import { preparedStats } from '../../src/project/data/stats';
import { tmpDir, listTree } from './fixture';

const hashTree = (dir: string) => {
  const h: Record<string, string> = {};
  for (const f of listTree(dir)) h[f] = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex');
  return h;
};

test('TACO-mini is byte-identical for a seed, differs for another, and is in TACO\'s layout', async () => {
  const root = tmpDir('mini');
  try {
    const a = await generateTacoMini({ out: path.join(root, 'a'), size: 12, seed: 7 });
    const b = await generateTacoMini({ out: path.join(root, 'b'), size: 12, seed: 7 });
    const c = await generateTacoMini({ out: path.join(root, 'c'), size: 12, seed: 8 });
    const ha = hashTree(a.root), hb = hashTree(b.root), hc = hashTree(c.root);
    assert.deepEqual(ha, hb);
    assert.notDeepEqual(ha, hc);
    const files = Object.keys(ha);
    assert.ok(files.includes('data/annotations.json') && files.includes('detect-waste/annotations_train.json') && files.includes('detect-waste/annotations_test.json'));
    assert.ok(files.some((f) => /^data\/batch_1\/\d{6}\.jpg$/.test(f)) && files.some((f) => /^data\/batch_3\/IMG_\d+\.JPG$/.test(f)));
    const ann = JSON.parse(fs.readFileSync(path.join(a.dataDir, 'annotations.json'), 'utf8'));
    assert.match(ann.info.description, /SYNTHETIC/);
    assert.equal(ann.images.length, 12);
    assert.ok(fs.readFileSync(path.join(a.root, 'README.txt'), 'utf8').startsWith('SYNTHETIC'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('prepare on TACO-mini: YOLO folder + COCO per split, consistent boxes, seeded split, incremental rerun, nothing outside --out', async () => {
  const root = tmpDir('prep');
  const out = path.join(root, 'out');
  const sibling = path.join(root, 'sibling.txt');
  fs.writeFileSync(sibling, 'untouched');
  try {
    const s = await prepareDataset({ out, mini: { size: 30, seed: 3 }, seed: 1, concurrency: 2 });
    // Everything lives under --out; the parent holds only what was there before.
    assert.deepEqual(fs.readdirSync(root).sort(), ['out', 'sibling.txt']);
    assert.equal(fs.readFileSync(sibling, 'utf8'), 'untouched');
    assert.ok(s.synthetic);
    assert.equal(s.imagesSkipped.nonPublic, 3);
    assert.equal(s.images.total, 30);
    const nTrainPart = s.images.train + s.images.val;
    assert.equal(s.images.val, Math.round(nTrainPart * 0.1));
    assert.ok(!listTree(out).some((f) => f.endsWith('.tmp')), 'no temporary files left');
    for (const split of ['train', 'val', 'test'] as const) {
      const imgs = fs.readdirSync(path.join(out, 'images', split));
      const labels = fs.readdirSync(path.join(out, 'labels', split));
      assert.deepEqual(imgs.map((f) => f.replace(/\.jpg$/, '')), labels.map((f) => f.replace(/\.txt$/, '')));
    }
    const dy = readDataYaml(path.join(out, 'data.yaml'));
    assert.deepEqual(dy.names, [...DETECT_WASTE_MAPPING.names]);
    assert.deepEqual([...dy.mapping.indexToCategoryId], [...DETECT_WASTE_MAPPING.indexToCategoryId]);
    assert.ok(dy.synthetic);
    assert.match(fs.readFileSync(path.join(out, 'data.yaml'), 'utf8'), /SYNTHETIC/);

    // YOLO labels, 640 COCO and original COCO describe the same boxes.
    const { images } = await readYoloDataset(path.join(out, 'data.yaml'), 'train');
    const r640 = JSON.parse(fs.readFileSync(path.join(out, 'coco', 'train_640.json'), 'utf8'));
    const orig = JSON.parse(fs.readFileSync(path.join(out, 'coco', 'train_original.json'), 'utf8'));
    assert.equal(r640.frame.kind, 'resized');
    assert.equal(orig.frame.kind, 'original');
    assert.deepEqual(r640.class_mapping, orig.class_mapping);
    assert.equal(images.length, r640.images.length);
    let boxes = 0;
    for (const im of images) {
      const cim = r640.images.find((x: { file_name: string }) => x.file_name === path.basename(im.imagePath));
      const oim = orig.images.find((x: { id: number }) => x.id === cim.id);
      const ca = r640.annotations.filter((a: { image_id: number }) => a.image_id === cim.id);
      const oa = orig.annotations.filter((a: { image_id: number }) => a.image_id === cim.id);
      assert.equal(im.labels.length, ca.length);
      im.labels.forEach((l, k) => {
        const xyxy = yoloCxcywhToXyxy([l.cx, l.cy, l.w, l.h], 640, 640);
        assert.equal(indexToCategoryId(DETECT_WASTE_MAPPING, l.cls), ca[k].category_id);
        for (let j = 0; j < 2; j++) assert.ok(Math.abs(xyxy[j] - ca[k].bbox[j]) < 0.01);
        // the original box scaled by 640/W, 640/H is the resized box
        assert.ok(Math.abs(oa[k].bbox[0] * (640 / oim.width) - ca[k].bbox[0]) < 0.01);
        assert.ok(Math.abs(oa[k].bbox[3] * (640 / oim.height) - ca[k].bbox[3]) < 0.01);
        boxes++;
      });
    }
    assert.equal(boxes, s.boxes.kept.train);
    const st = preparedStats(out);
    assert.equal(st.train.boxes, s.boxes.kept.train);
    assert.equal(Object.values(st.test.classes).reduce((a, b) => a + b, 0), s.boxes.kept.test);

    // Rerun: nothing reprocessed, same bytes.
    const before = hashTree(out);
    const s2 = await prepareDataset({ out, mini: { size: 30, seed: 3 }, seed: 1, concurrency: 2 });
    assert.equal(s2.images.reused, 30);
    assert.equal(s2.images.processed, 0);
    const after = hashTree(out);
    for (const f of Object.keys(before)) if (f.startsWith('images/') || f.startsWith('labels/') || f.startsWith('coco/')) assert.equal(after[f], before[f], f);

    // Another split seed moves images between train and val, and leaves no stale copies.
    const s3 = await prepareDataset({ out, mini: { size: 30, seed: 3 }, seed: 2, concurrency: 2 });
    assert.equal(s3.images.total, 30);
    const names = ['train', 'val', 'test'].flatMap((sp) => fs.readdirSync(path.join(out, 'images', sp)));
    assert.equal(names.length, 30);
    assert.equal(new Set(names).size, 30);
    assert.ok(fs.existsSync(path.join(out, MINI_DIR, 'SYNTHETIC.json')));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('prepare is deterministic: the same seeds give byte-identical outputs in two folders', async () => {
  const root = tmpDir('det');
  try {
    await prepareDataset({ out: path.join(root, 'a'), mini: { size: 10, seed: 5 }, seed: 4, concurrency: 2 });
    await prepareDataset({ out: path.join(root, 'b'), mini: { size: 10, seed: 5 }, seed: 4, concurrency: 1 });
    const ha = hashTree(path.join(root, 'a')), hb = hashTree(path.join(root, 'b'));
    for (const f of Object.keys(ha)) {
      if (f === 'summary.json' || f === '.taco-prepare.json') continue; // timings and absolute paths
      assert.equal(ha[f], hb[f], f);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
