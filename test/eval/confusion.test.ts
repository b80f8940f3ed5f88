import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ConfusionMatrix } from '../../src/project/eval/confusion';
import { confusionFigure } from '../../src/project/eval/plots';

const det = (boxes: number[], scores: number[], classes: number[]) => ({ boxes: Float32Array.from(boxes), scores: Float32Array.from(scores), classes: Int32Array.from(classes) });

test('confusion matrix: correct, confused, missed and spurious boxes land in the right cells', () => {
  const cm = new ConfusionMatrix(2);
  // Image 1: label a found as a, label b found as a (confusion), a spurious b, and a label a missed.
  cm.processBatch(
    det([0, 0, 10, 10, 20, 0, 30, 10, 100, 100, 120, 120], [0.9, 0.8, 0.7], [0, 0, 1]),
    [0, 0, 10, 10, 20, 0, 30, 10, 50, 50, 60, 60], [0, 1, 0],
  );
  // Image 2: no detections at all: both labels are misses.
  cm.processBatch(null, [0, 0, 5, 5, 10, 10, 20, 20], [1, 1]);
  // rows = predicted (a, b, background), columns = true (a, b, background)
  assert.deepEqual(cm.toRows(), [
    [1, 1, 0],
    [0, 0, 1],
    [1, 2, 0],
  ]);
  const { tp, fp } = cm.tpFp();
  assert.deepEqual(Array.from(tp), [1, 0]);
  assert.deepEqual(Array.from(fp), [1, 1]);
});

test('confusion matrix: thresholds are strict (conf > 0.25, IoU > 0.45) and matching is one-to-one by IoU', () => {
  const cm = new ConfusionMatrix(1);
  // conf exactly 0.25 is dropped; the remaining box overlaps the label at IoU 0.45 exactly (45/100): not a match.
  cm.processBatch(det([0, 0, 10, 10, 0, 0, 10, 4.5], [0.25, 0.9], [0, 0]), [0, 0, 10, 10], [0]);
  // No match in the image, so ultralytics does not count the unmatched detection as background FP.
  assert.deepEqual(cm.toRows(), [[0, 0], [1, 0]]);

  const cm2 = new ConfusionMatrix(1);
  // Two detections on one label: the higher-IoU one matches, the other is background FP.
  cm2.processBatch(det([0, 0, 10, 10, 0, 0, 10, 8], [0.5, 0.9], [0, 0]), [0, 0, 10, 10], [0]);
  assert.deepEqual(cm2.toRows(), [[1, 1], [0, 0]]);

  const cm3 = new ConfusionMatrix(1);
  // One detection between two labels: it matches the label it overlaps most; the other label is a miss.
  cm3.processBatch(det([0, 0, 10, 10], [0.9], [0]), [0, 0, 10, 9, 0, 0, 10, 7], [0, 0]);
  assert.deepEqual(cm3.toRows(), [[1, 0], [1, 0]]);
  assert.throws(() => cm3.processBatch(det([0, 0, 1, 1], [0.9], [3]), [], []), /detection class 3/);
});

test('confusion matrix: column normalization (as ultralytics plots it) and the plotly heatmap spec', () => {
  const cm = new ConfusionMatrix(2);
  cm.processBatch(det([0, 0, 10, 10, 20, 0, 30, 10, 40, 0, 50, 10], [0.9, 0.9, 0.9], [0, 0, 1]), [0, 0, 10, 10, 20, 0, 30, 10, 40, 0, 50, 10], [0, 1, 1]);
  const n = cm.toRows(true);
  for (let c = 0; c < 2; c++) assert.ok(Math.abs(n[0][c] + n[1][c] + n[2][c] - 1) < 1e-6);
  assert.ok(Math.abs(n[0][1] - 0.5) < 1e-9 && Math.abs(n[1][1] - 0.5) < 1e-9);
  const fig = confusionFigure(cm, ['glass', 'paper']);
  const trace = fig.data[0] as { type: string; x: string[]; y: string[]; z: (number | null)[][] };
  assert.equal(trace.type, 'heatmap');
  assert.deepEqual(trace.x, ['glass', 'paper', 'background']);
  assert.equal(trace.z[2][2], null, 'cells under 0.005 are blank');
  assert.ok(Math.abs((trace.z[0][0] as number) - 1) < 1e-6);
  assert.deepEqual((confusionFigure(cm, ['glass', 'paper'], false).data[0] as { z: (number | null)[][] }).z[1][1], 1);
});
