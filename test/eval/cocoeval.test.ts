// COCOeval against pycocotools' numbers: every case in ../shared/fixtures/cocoeval (stats, per-category AP and
// the precision shape to 1e-12, -1 kept), plus consistency checks of the API on those cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixturePath } from '../helpers/shared';
import { cocoEvaluate, CocoGt, CocoResult } from '../../src/project/eval/coco';

interface Fixture {
  name: string;
  gt: CocoGt;
  dt: CocoResult[];
  stats: number[];
  per_category_ap: Record<string, number>;
  precision_shape: number[];
}

const FIXDIR = fixturePath('cocoeval');
const files = FIXDIR ? fs.readdirSync(FIXDIR).filter((f) => f.endsWith('.json')).sort() : [];

function load(file: string): Fixture {
  return JSON.parse(fs.readFileSync(path.join(FIXDIR as string, file), 'utf8')) as Fixture;
}

function assertClose(actual: number, expected: number, what: string): void {
  if (expected === -1) assert.equal(actual, -1, `${what}: pycocotools gives -1`);
  else assert.ok(Math.abs(actual - expected) <= 1e-12, `${what}: ${actual} vs pycocotools ${expected}`);
}

test('cocoeval fixtures are present', (t) => {
  assert.ok(files.length >= 11, `expected the 11 public cases, found ${files.length}`);
});

for (const file of files) {
  test(`cocoeval matches pycocotools: ${file}`, () => {
    const c = load(file);
    const r = cocoEvaluate(c.gt, c.dt);
    assert.equal(r.stats.length, 12);
    r.stats.forEach((v, i) => assertClose(v, c.stats[i], `${c.name} stats[${i}]`));
    const ids = Object.keys(c.per_category_ap);
    assert.deepEqual(r.catIds.map(String).sort(), [...ids].sort(), 'per-category AP covers the GT categories');
    for (const id of ids) assertClose(r.perCategoryAp[Number(id)], c.per_category_ap[id], `${c.name} AP of category ${id}`);
    assert.deepEqual(r.precision.shape, c.precision_shape);
    assert.equal(r.precision.data.length, c.precision_shape.reduce((a, b) => a * b, 1));
    const [T, , K, A, M] = c.precision_shape;
    assert.deepEqual(r.recall.shape, [T, K, A, M]);
    assert.equal(r.summarize().split('\n').length, 12);
  });
}

test('per-category AP equals stats[0] of a run restricted to that category (the fixtures\' definition)', (t) => {
  for (const file of ['medium_realistic.json', 'category_mismatch.json', 'crowd.json']) {
    const c = load(file);
    const r = cocoEvaluate(c.gt, c.dt);
    for (const id of r.catIds) {
      const one = cocoEvaluate(c.gt, c.dt, { catIds: [id] });
      assert.equal(r.perCategoryAp[id], one.stats[0], `${file} category ${id}`);
      assert.deepEqual(one.precision.shape, [10, 101, 1, 4, 3]);
    }
  }
});

test('imgIds restriction equals evaluating the files cut down to those images', (t) => {
  const c = load('medium_realistic.json');
  const keep = c.gt.images.map((im) => im.id).filter((_, i) => i % 3 === 0);
  const ks = new Set(keep);
  const cut: CocoGt = { ...c.gt, images: c.gt.images.filter((im) => ks.has(im.id)), annotations: c.gt.annotations.filter((a) => ks.has(a.image_id)) };
  const a = cocoEvaluate(c.gt, c.dt, { imgIds: keep });
  const b = cocoEvaluate(cut, c.dt.filter((d) => ks.has(d.image_id)));
  assert.deepEqual(a.stats, b.stats);
  assert.ok(a.stats[0] > 0 && a.stats[0] < 1);
});

test('detection list order only matters through ties: reversing a tie-free list changes nothing', (t) => {
  const c = load('small_random.json');
  const scores = c.dt.map((d) => d.score);
  if (new Set(scores).size !== scores.length) return t.skip('small_random has tied scores');
  assert.deepEqual(cocoEvaluate(c.gt, [...c.dt].reverse()).stats, cocoEvaluate(c.gt, c.dt).stats);
});
