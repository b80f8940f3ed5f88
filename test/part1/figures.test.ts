import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianSmooth, lrCurve, lrScheduleFigure, resolvedOptimizer, resultsFigure, RESULT_PANELS } from '../../src/project/part1/figures';
import { RESULT_COLUMNS, ResultRow } from '../../src/project/train/results-csv';
import { boxesPerImageFigure, classRows, splitRows, withoutWebgl } from '../../src/project/part1/dataset';
import type { SplitStats } from '../../src/project/data/stats';

const base = { epochs: 30, trainImages: 35, batch: 8, optimizer: 'AdamW' as const, lr0: 0.002, momentum: 0.9, warmupEpochs: 1, nc: 7 };

test('LR curve: 5 batches per epoch, warmup of at least 100 iterations, then linear decay to lr0*lrf', () => {
  const c = lrCurve(base);
  assert.equal(c.batchesPerEpoch, 5);
  assert.equal(c.warmupIterations, 100);
  assert.equal(c.x.length, 150);
  assert.equal(c.weights[0], 0, 'weights start from 0');
  assert.ok(Math.abs(c.bias[0] - 0.1) < 1e-12, 'biases start at warmup_bias_lr');
  // after warmup (iteration 101 = epoch 20, batch 1): lr0 * lf(20) = 0.002 * ((1 - 20/30) * 0.99 + 0.01)
  const lf20 = (1 - 20 / 30) * 0.99 + 0.01;
  assert.ok(Math.abs(c.weights[101] - 0.002 * lf20) < 1e-12);
  assert.ok(Math.abs(c.bias[101] - 0.002 * lf20) < 1e-12);
  // the last epoch's lr is lr0 * lf(29)
  assert.ok(Math.abs(c.weights[149] - 0.002 * ((1 - 29 / 30) * 0.99 + 0.01)) < 1e-12);
});

test('optimizer=auto resolves as ultralytics: AdamW at 0.002*5/(4+nc) for short runs, SGD 0.01 for long ones', () => {
  assert.deepEqual(resolvedOptimizer({ ...base, optimizer: 'auto' }), { name: 'AdamW', lr: 0.000909, momentum: 0.9 });
  assert.equal(resolvedOptimizer({ ...base, optimizer: 'auto', trainImages: 1062, batch: 16, epochs: 1000 }).name, 'SGD');
  const fig = lrScheduleFigure(base);
  assert.equal(fig.data.length, 2);
  assert.match(String((fig.layout.title as { text: string }).text), /AdamW.*warmup 100 iterations/);
});

function row(epoch: number, v: number): ResultRow {
  const r = { epoch } as Record<string, number>;
  for (const c of RESULT_COLUMNS) r[c] = v;
  return r as ResultRow;
}

test('results figure: the ten panels of results.png, each with values and a smoothed line on its own axes', () => {
  const rows = [row(1, 3), row(2, 2), row(3, 1)];
  const fig = resultsFigure(rows);
  assert.equal(fig.data.length, 2 * RESULT_PANELS.length);
  assert.deepEqual(fig.data.map((t) => t.yaxis), RESULT_PANELS.flatMap((_, i) => [`y${i ? i + 1 : ''}`, `y${i ? i + 1 : ''}`]));
  assert.deepEqual(fig.data[0].y, [3, 2, 1]);
  assert.deepEqual((fig.layout.grid as { rows: number; columns: number }), { rows: 2, columns: 5, pattern: 'independent' });
  assert.equal((fig.layout.annotations as { text: string }[])[9].text, 'metrics/mAP50-95(B)');
});

test('gaussian smoothing keeps constants, the mean of a symmetric signal, and the length', () => {
  assert.deepEqual(gaussianSmooth([2, 2, 2, 2]).map((v) => Number(v.toFixed(12))), [2, 2, 2, 2]);
  const s = gaussianSmooth([0, 0, 0, 10, 0, 0, 0], 1);
  assert.equal(s.length, 7);
  assert.ok(s[3] < 10 && s[3] > s[2] && Math.abs(s[2] - s[4]) < 1e-12);
  assert.deepEqual(gaussianSmooth([]), []);
});

const stats: Record<string, SplitStats> = {
  train: { images: 3, boxes: 6, classes: { a: 4, b: 2 }, boxesPerImage: { 1: 1, 2: 1, 3: 1 }, sizes: { original: { small: 1, medium: 2, large: 3 }, resized: { small: 0, medium: 3, large: 3 } }, imageSizes: [] },
  test: { images: 1, boxes: 2, classes: { a: 0, b: 2 }, boxesPerImage: { 2: 1 }, sizes: { original: { small: 0, medium: 1, large: 1 }, resized: { small: 0, medium: 1, large: 1 } }, imageSizes: [] },
};

test('dataset tables and figures from split statistics', () => {
  const s = splitRows(stats);
  assert.deepEqual(s.map((r) => [r.split, r.images, r['share of images'], r['boxes / image']]), [['train', 3, '75.0%', 2], ['test', 1, '25.0%', 2]]);
  assert.equal(s[0]['small / medium / large (original)'], '1 / 2 / 3');
  assert.deepEqual(classRows(stats), [
    { class: 'a', train: 4, test: 0, total: 4, share: '50.0%' },
    { class: 'b', train: 2, test: 2, total: 4, share: '50.0%' },
  ]);
  const f = boxesPerImageFigure(stats);
  assert.deepEqual(f.data.map((t) => [t.name, t.x, t.y]), [['train', [1, 2, 3], [1, 1, 1]], ['test', [2], [1]]]);
  const gl = withoutWebgl({ data: [{ type: 'scattergl', x: [1] }, { type: 'bar' }], layout: { a: 1 } });
  assert.deepEqual(gl.data.map((t) => t.type), ['scatter', 'bar']);
});

test('confusion matrix figures: counts and normalized, titled by split, with room for long names', async () => {
  const { ConfusionMatrix } = await import('../../src/project/eval/confusion');
  const { confusionFigures } = await import('../../src/project/part1/evaluate');
  const cm = new ConfusionMatrix(2);
  const ev = { split: 'test', data: { names: ['metals_and_plastic', 'paper'] }, validation: { confusion: cm } } as unknown as Parameters<typeof confusionFigures>[0];
  const [counts, norm] = confusionFigures(ev);
  assert.equal((counts.layout.title as { text: string }).text, 'Confusion Matrix (test)');
  assert.equal((norm.layout.title as { text: string }).text, 'Confusion Matrix Normalized (test)');
  assert.equal((counts.layout.yaxis as { automargin: boolean }).automargin, true);
  assert.deepEqual(counts.data[0].x, ['metals_and_plastic', 'paper', 'background']);
});
