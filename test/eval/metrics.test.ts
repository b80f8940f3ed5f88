import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { apPerClass, computeAp, interp1, smooth } from '../../src/project/eval/ap';
import { IOU_THRESHOLDS, iouThresholdsF32, matchPredictions } from '../../src/project/eval/match';
import { formatG } from '../../src/project/eval/printf';
import { formatMetricsTable } from '../../src/project/eval/metrics';
import { validate } from '../../src/project/eval/validation-metrics';
import { boxIouAt } from '../../src/project/eval/boxes';

const close = (a: number, b: number, tol = 1e-12, msg = '') => assert.ok(Math.abs(a - b) <= tol, `${msg} ${a} vs ${b}`);

test('IoU thresholds are torch.linspace(0.5, 0.95, 10) in float32', () => {
  assert.equal(IOU_THRESHOLDS.length, 10);
  [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95].forEach((v, i) => close(IOU_THRESHOLDS[i], v, 1e-7));
  assert.equal(IOU_THRESHOLDS[0], 0.5);
  assert.equal(IOU_THRESHOLDS[9], Math.fround(0.95));
  assert.deepEqual(Array.from(iouThresholdsF32(0, 1, 3)), [0, 0.5, 1]);
});

test('numpy.interp semantics: ends, repeated xp (last wins), exact hits', () => {
  const xp = [0, 0.5, 0.5, 1, 1], fp = [1, 1, 2 / 3, 2 / 3, 0];
  assert.equal(interp1(-1, xp, fp), 1);
  assert.equal(interp1(0.25, xp, fp), 1);
  assert.equal(interp1(0.5, xp, fp), 2 / 3);
  assert.equal(interp1(0.75, xp, fp), 2 / 3);
  assert.equal(interp1(1, xp, fp), 0);
  assert.equal(interp1(2, xp, fp, 5, 7), 7);
  assert.equal(interp1(-2, xp, fp, 5, 7), 5);
});

test('compute_ap: a perfect detector scores 0.995 (101-point trapezoid), a known two-label case', () => {
  close(computeAp([1], [1]).ap, 0.995);
  // conf-sorted TP, FP, TP against 2 labels: recall .5 .5 1, precision 1 .5 2/3; envelope 1 up to r=.5, then 2/3.
  const ap = computeAp([0.5, 0.5, 1], [1, 0.5, 2 / 3]).ap;
  close(ap, 0.49 + (1 + 2 / 3) / 200 + (49 * 2) / 3 / 100 + 2 / 3 / 200);
  close(computeAp([0], [0]).ap, 0);
});

test('smooth(y, 0.1) on 1000 points is a 101-wide box filter with end padding', () => {
  const y = Array.from({ length: 1000 }, (_, i) => (i === 500 ? 101 : 0));
  const s = smooth(y, 0.1);
  close(s[450], 1); close(s[550], 1); close(s[449], 0); close(s[551], 0);
  const c = smooth(Array.from({ length: 1000 }, () => 3), 0.1);
  close(c[0], 3, 1e-12); close(c[999], 3, 1e-12);
});

test('ap_per_class matches numpy on the committed fixture (P, R at the smoothed max-F1, AP at 10 IoUs)', () => {
  const cases = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'ap-numpy.json'), 'utf8')) as {
    tp: number[]; conf: number[]; pred_cls: number[]; target_cls: number[];
    want: { classes: number[]; p: number[]; r: number[]; ap: number[][]; best: number };
  }[];
  assert.equal(cases.length, 4);
  for (const c of cases) {
    const res = apPerClass(Uint8Array.from(c.tp), c.conf, c.pred_cls, c.target_cls, 10);
    assert.deepEqual(Array.from(res.classes), c.want.classes);
    assert.equal(res.bestIndex, c.want.best);
    c.want.p.forEach((v, i) => close(res.p[i], v, 1e-12, 'p'));
    c.want.r.forEach((v, i) => close(res.r[i], v, 1e-12, 'r'));
    c.want.ap.forEach((row, i) => row.forEach((v, j) => close(res.ap[i * 10 + j], v, 1e-12, `ap[${i},${j}]`)));
  }
});

test('match_predictions: same class only, IoU >= threshold, one label per prediction, lowest-index prediction wins', () => {
  // Label 0 (class 0) at [0,0,10,10]; prediction 0 exact, prediction 1 shifted (IoU 0.6 band), prediction 2 other class.
  const labels = [0, 0, 10, 10];
  const preds = [0, 0, 10, 10, 0, 0, 10, 7, 0, 0, 10, 10];
  const correct = matchPredictions(preds, [0, 0, 1], labels, [0]);
  assert.deepEqual(Array.from(correct.subarray(0, 10)), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 'exact box: TP everywhere');
  assert.deepEqual(Array.from(correct.subarray(10, 30)), new Array(20).fill(0), 'label taken; other class never matches');
  // Alone, prediction 1 has IoU float32(0.7), equal to the 5th threshold: TP at 0.5..0.7 (>=), not above.
  close(boxIouAt(preds, 1, labels, 0), Math.fround(0.7 / (1 + 1e-6)), 1e-6);
  const alone = matchPredictions([0, 0, 10, 7], [0], labels, [0]);
  assert.deepEqual(Array.from(alone), [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  // ultralytics quirk: at IoU 0.5 both predictions pick label 0, and the lower-index prediction 0 (IoU .5) keeps it
  // although prediction 1 overlaps it at .9; from 0.55 up only prediction 1 qualifies and is the TP.
  const q = matchPredictions([0, 0, 10, 5, 0, 0, 10, 9], [0, 0], [0, 0, 10, 10], [0]);
  assert.deepEqual(Array.from(q), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
});

test('formatG follows C %.3g', () => {
  const cases: [number, string][] = [[0.5, '0.5'], [0.123456, '0.123'], [1, '1'], [0, '0'], [0.0001234, '0.000123'],
    [0.00001234, '1.23e-05'], [0.9995, '1'], [0.99949, '0.999'], [123.4, '123'], [1234, '1.23e+03'], [0.1, '0.1']];
  for (const [x, s] of cases) assert.equal(formatG(x, 3), s, String(x));
});

test('validate: perfect predictions give P = R = 1, mAP50 = mAP50-95 = 0.995, and the ultralytics table', () => {
  const labels = [
    { boxes: [10, 10, 50, 60, 100, 100, 150, 180], classes: [0, 1] },
    { boxes: [5, 5, 30, 30], classes: [1] },
    { boxes: [], classes: [] },
  ];
  const preds = labels.map((l) => ({ boxes: Float32Array.from(l.boxes), scores: Float32Array.from(l.classes.map((_, i) => 0.9 - i * 0.1)), classes: Int32Array.from(l.classes) }));
  const res = validate(preds, labels, 3, ['a', 'b', 'c']);
  const m = res.metrics;
  assert.equal(m.images, 3);
  assert.equal(m.instances, 3);
  close(m.p, 1, 1e-9); close(m.r, 1, 1e-9); close(m.map50, 0.995); close(m.map, 0.995);
  close(m.fitness, 0.995);
  assert.deepEqual(m.perClass.map((c) => [c.name, c.images, c.instances]), [['a', 1, 1], ['b', 2, 2]]);
  assert.deepEqual(m.maps, [0.995, 0.995, 0.995].map((v, i) => (i < 2 ? m.perClass[i].map : m.map)));
  const table = formatMetricsTable(m).split('\n');
  assert.equal(table[0], '                 Class     Images  Instances      Box(P          R      mAP50  mAP50-95)');
  assert.equal(table[1], '                   all          3          3          1          1      0.995      0.995');
  assert.equal(table[3], '                     b          2          2          1          1      0.995      0.995');
  assert.equal(formatMetricsTable(m, { imagesColumn: 'seen' }).split('\n')[3].slice(22, 33), '          3');
  // Confusion matrix: all three labels found with the right class, nothing else.
  assert.deepEqual(res.confusion.toRows(), [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
});

test('validate: a miss, a false positive and a wrong class move P, R and mAP as ultralytics would', () => {
  const labels = [{ boxes: [0, 0, 10, 10, 20, 20, 40, 40], classes: [0, 0] }, { boxes: [0, 0, 10, 10], classes: [1] }];
  const preds = [
    { boxes: Float32Array.from([0, 0, 10, 10, 60, 60, 70, 70]), scores: Float32Array.from([0.9, 0.8]), classes: Int32Array.from([0, 0]) },
    { boxes: Float32Array.from([0, 0, 10, 10]), scores: Float32Array.from([0.7]), classes: Int32Array.from([0]) },
  ];
  const res = validate(preds, labels, 2, ['x', 'y']);
  const a = res.metrics.perClass[0];
  // Class x: TP .9, FP .8, FP .7 against 2 labels: AP = envelope 1 up to recall .5 then 0.
  close(a.map50, computeAp([0.5, 0.5, 0.5], [1, 0.5, 1 / 3]).ap);
  close(res.metrics.perClass[1].map50, 0, 0);
  assert.deepEqual(res.confusion.toRows(), [[1, 1, 1], [0, 0, 0], [1, 0, 0]]);
  assert.throws(() => validate(preds, labels.slice(0, 1), 2, ['x', 'y']), /prediction lists/);
  assert.throws(() => validate([preds[0]], [{ boxes: [0, 0, 1, 1], classes: [5] }], 2, ['x', 'y']), /outside/);
});
