// Hand-made COCOeval cases whose answers follow from pycocotools' definitions, and the summarize() text format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cocoEvaluate, CocoAnnotation, CocoGt, CocoResult } from '../../src/project/eval/coco';

type Box = [number, number, number, number];

/** Known answers hold up to pycocotools' epsilon: precision is tp / (tp + fp + 2.2e-16), so "1" is 1 - 2.2e-16. */
function close(actual: number, expected: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12, `${what} ${actual} vs ${expected}`);
}

function gtOf(anns: Array<{ img: number; cat?: number; box: Box; area?: number; crowd?: number; id?: number }>, nImg = 3, cats = [1]): CocoGt {
  const annotations: CocoAnnotation[] = anns.map((a, i) => ({
    id: a.id ?? i + 1,
    image_id: a.img,
    category_id: a.cat ?? 1,
    bbox: a.box,
    area: a.area ?? a.box[2] * a.box[3],
    iscrowd: a.crowd ?? 0,
  }));
  return {
    images: Array.from({ length: nImg }, (_, i) => ({ id: i + 1, width: 640, height: 480 })),
    annotations,
    categories: cats.map((id) => ({ id, name: `c${id}` })),
  };
}

function det(img: number, box: Box, score: number, cat = 1): CocoResult {
  return { image_id: img, category_id: cat, bbox: box, score };
}

// One GT per size class: small (20x20 = 400), medium (50x50 = 2500), large (200x200 = 40000).
const SMALL: Box = [10, 10, 20, 20];
const MEDIUM: Box = [100, 100, 50, 50];
const LARGE: Box = [200, 50, 200, 200];

test('perfect detections give AP and AR 1 in every area range that has GT', () => {
  const gt = gtOf([
    { img: 1, box: SMALL },
    { img: 2, box: MEDIUM },
    { img: 3, box: LARGE },
  ]);
  const r = cocoEvaluate(gt, [det(1, SMALL, 0.9), det(2, MEDIUM, 0.8), det(3, LARGE, 0.7)]);
  r.stats.forEach((v, i) => close(v, 1, `stats[${i}]`));
  close(r.perCategoryAp[1], 1);
  assert.equal(r.stats[8], 1);
  assert.deepEqual(r.precision.shape, [10, 101, 1, 4, 3]);
  assert.deepEqual(r.recall.shape, [10, 1, 4, 3]);
});

test('summarize() prints pycocotools\' 12 lines, -1.000 where an area range has no GT', () => {
  const gt = gtOf([{ img: 1, box: SMALL }]);
  const r = cocoEvaluate(gt, [det(1, SMALL, 0.9)]);
  assert.deepEqual(r.summarize().split('\n'), [
    ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000',
    ' Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 1.000',
    ' Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 1.000',
    ' Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 1.000',
    ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000',
    ' Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000',
    ' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 1.000',
    ' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ] = 1.000',
    ' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000',
    ' Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 1.000',
    ' Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000',
    ' Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000',
  ]);
  assert.deepEqual(r.stats.slice(4, 6), [-1, -1]);
  // A lone true positive shows pycocotools' epsilon: precision 1 / (1 + 2.2e-16), recall exactly 1.
  assert.equal(r.precision.data[0], 1 / (1 + 2.220446049250313e-16));
  assert.equal(r.recall.data[0], 1);
});

test('a false positive ranked above the true positive halves precision: AP 0.5', () => {
  const gt = gtOf([{ img: 1, box: MEDIUM }]);
  const r = cocoEvaluate(gt, [det(1, [300, 300, 50, 50], 0.9), det(1, MEDIUM, 0.8)]);
  close(r.stats[0], 0.5);
  close(r.stats[8], 1);
});

test('half the GT found at full precision: AP = 51/101 (recall thresholds 0..0.50 inclusive)', () => {
  const gt = gtOf([
    { img: 1, box: MEDIUM },
    { img: 2, box: MEDIUM },
  ]);
  const r = cocoEvaluate(gt, [det(1, MEDIUM, 0.9)]);
  close(r.stats[0], 51 / 101);
  close(r.stats[8], 0.5);
});

test('only false positives: AP 0 and AR 0 (not -1: there is GT)', () => {
  const gt = gtOf([{ img: 1, box: MEDIUM }]);
  const r = cocoEvaluate(gt, [det(2, MEDIUM, 0.9), det(1, [400, 300, 50, 50], 0.5)]);
  assert.equal(r.stats[0], 0);
  assert.equal(r.stats[8], 0);
  assert.equal(r.stats[3], -1);
});

test('IoU 0.5 exactly matches at the 0.50 threshold only (a match needs IoU >= t)', () => {
  const gt = gtOf([{ img: 1, box: [0, 0, 100, 100] }]);
  // Detection [0,0,100,50]: intersection 5000, union 10000 -> IoU 0.5.
  const r = cocoEvaluate(gt, [det(1, [0, 0, 100, 50], 0.9)]);
  close(r.stats[1], 1);
  assert.equal(r.stats[2], 0);
  close(r.stats[0], 0.1);
});

test('a detection on a crowd region is ignored, not a false positive; crowd GT is not counted', () => {
  const gt = gtOf([
    { img: 1, box: MEDIUM },
    { img: 1, box: [300, 200, 200, 200], crowd: 1 },
  ]);
  const inside: Box = [320, 220, 40, 40]; // intersection over its own area = 1
  const r = cocoEvaluate(gt, [det(1, inside, 0.95), det(1, MEDIUM, 0.9)]);
  close(r.stats[0], 1);
  assert.equal(r.stats[5], -1, 'the only large GT is a crowd region: ignored, so no large GT');
});

test('equal scores keep list order (stable sort): TP first gives AP 1, FP first gives AP 0.5', () => {
  const gt = gtOf([{ img: 1, box: MEDIUM }]);
  const fp = det(1, [400, 300, 50, 50], 0.7);
  const tp = det(1, MEDIUM, 0.7);
  close(cocoEvaluate(gt, [tp, fp]).stats[0], 1);
  close(cocoEvaluate(gt, [fp, tp]).stats[0], 0.5);
});

test('equal scores across images keep ascending image id order, whatever the list order', () => {
  const gt = gtOf([{ img: 2, box: MEDIUM }]);
  const fpImg1 = det(1, MEDIUM, 0.7); // image 1 has no GT: false positive
  const tpImg2 = det(2, MEDIUM, 0.7);
  close(cocoEvaluate(gt, [tpImg2, fpImg1]).stats[0], 0.5);
  close(cocoEvaluate(gt, [fpImg1, tpImg2]).stats[0], 0.5);
});

test('maxDets keeps the 100 best detections per image and category: the 101st cannot match', () => {
  const gt = gtOf([{ img: 1, box: MEDIUM }]);
  const dts: CocoResult[] = [];
  for (let i = 0; i < 100; i++) dts.push(det(1, [400 + (i % 10), 300 + Math.floor(i / 10), 30, 30], 0.9 - i * 0.001));
  const last = det(1, MEDIUM, 0.1);
  const r = cocoEvaluate(gt, [...dts, last]);
  assert.equal(r.stats[8], 0);
  assert.equal(r.stats[0], 0);
  // Another category's detections do not count towards the cap.
  const gt2 = gtOf([{ img: 1, box: MEDIUM }], 3, [1, 2]);
  const r2 = cocoEvaluate(gt2, [...dts.map((d) => ({ ...d, category_id: 2 })), last]);
  close(r2.perCategoryAp[1], 1);
});

test('area ranges use the GT "area" field, inclusive bounds, and the detection w*h', () => {
  // GT bbox is large (200x200) but its area field says 1024 = 32^2: in both small and medium, not large.
  const gt = gtOf([{ img: 1, box: LARGE, area: 1024 }]);
  const r = cocoEvaluate(gt, [det(1, LARGE, 0.9)]);
  close(r.stats[3], 1);
  close(r.stats[4], 1);
  assert.equal(r.stats[5], -1);
});

test('an unmatched detection outside the area range is ignored; inside it is a false positive', () => {
  const gt = gtOf([{ img: 1, box: SMALL }]);
  const r = cocoEvaluate(gt, [det(1, LARGE, 0.95), det(1, SMALL, 0.9)]);
  close(r.stats[3], 1, 'small range: the large FP is ignored');
  close(r.stats[0], 0.5, 'all range: the large FP counts');
});

test('GT annotation id 0: pycocotools stores the match as dtMatches = 0 and so counts it as a false positive', () => {
  const gt = gtOf([{ img: 1, box: MEDIUM, id: 0 }]);
  assert.equal(cocoEvaluate(gt, [det(1, MEDIUM, 0.9)]).stats[0], 0);
});

test('empty results: AP and AR 0 where there is GT, -1 where there is none, with a warning', () => {
  const gt = gtOf([{ img: 1, box: SMALL }]);
  const r = cocoEvaluate(gt, []);
  assert.deepEqual(r.stats, [0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1]);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /empty/);
});
