// The numeric building blocks COCOeval must share with numpy and Python bit for bit: linspace thresholds,
// {:0.3f} rounding, numpy's pairwise mean, and the stable descending sort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numpyLinspace } from '../../src/project/eval/coco';
import { formatFixed3 } from '../../src/project/eval/coco/pyformat';
import { numpyMean } from '../../src/project/eval/coco/npmean';
import { stableSortDesc } from '../../src/project/eval/coco/stablesort';

test('thresholds are numpy.linspace values bit for bit', () => {
  const iou = numpyLinspace(0.5, 0.95, 10);
  assert.equal(iou[7], 0.85);
  assert.equal(iou[8], 0.8999999999999999);
  assert.equal(iou[5], 0.75);
  const rec = numpyLinspace(0, 1, 101);
  assert.equal(rec[100], 1);
  assert.equal(rec[29], 29 * 0.01);
});

test('formatFixed3 rounds halfway cases to even like Python\'s {:0.3f}', () => {
  const cases: Array<[number, string]> = [
    [0.0625, '0.062'],
    [0.1875, '0.188'],
    [0.3125, '0.312'],
    [0.4375, '0.438'],
    [0.9375, '0.938'],
    [1 / 3, '0.333'],
    [-1, '-1.000'],
    [0.0005, '0.001'],
    [0.9995, '1.000'],
    [1, '1.000'],
    [0, '0.000'],
  ];
  for (const [x, s] of cases) assert.equal(formatFixed3(x), s, String(x));
});

test('numpyMean sums pairwise in 8192-element chunks: exact on integers, and order-sensitive like numpy', () => {
  const a = new Float64Array(20000);
  for (let i = 0; i < a.length; i++) a[i] = i % 7;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  assert.equal(numpyMean(a), s / a.length);
  assert.equal(numpyMean(new Float64Array([1, 2, 3, 4])), 2.5);
});

test('stableSortDesc orders by key descending and keeps input order on ties', () => {
  const n = 1000;
  const key = new Float64Array(n);
  let seed = 7;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    key[i] = seed % 13;
  }
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  stableSortDesc(rows, n, key, new Int32Array(n));
  const ref = Array.from({ length: n }, (_, i) => i).sort((x, y) => key[y] - key[x] || x - y);
  assert.deepEqual(Array.from(rows), ref);
});
