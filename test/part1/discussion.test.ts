import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveFacts, discussionMarkdown, RunFacts } from '../../src/project/part1/discussion';
import { RESULT_COLUMNS, ResultRow } from '../../src/project/train/results-csv';
import { checkFormulas } from '../../src/notebook/display/math';

function rows(n: number, map50: (e: number) => number, valLoss: (e: number) => number): ResultRow[] {
  return Array.from({ length: n }, (_, i) => {
    const r = { epoch: i + 1 } as Record<string, number>;
    for (const c of RESULT_COLUMNS) r[c] = 0;
    r['train/box_loss'] = 3 - i * 0.05;
    r['train/cls_loss'] = 4 - i * 0.1;
    r['metrics/mAP50(B)'] = map50(i + 1);
    r['val/box_loss'] = valLoss(i + 1);
    return r as ResultRow;
  });
}

const names = ['metals_and_plastic', 'other', 'glass', 'background'];
// rows = predicted, columns = true; last = background
const counts = [
  [5, 1, 0, 7],
  [0, 2, 0, 1],
  [3, 0, 0, 2],
  [1, 4, 0, 0],
];

function facts(r: ResultRow[]): RunFacts {
  return {
    synthetic: true, model: 'yolov8n', epochs: 30, imgsz: 160, images: { train: 35, val: 4, test: 9 }, rows: r,
    test: { p: 0.5, r: 0.4, map50: 0.31, map: 0.12, perClass: [{ name: 'metals_and_plastic', instances: 9, map50: 0.6, map: 0.3 }, { name: 'other', instances: 7, map50: 0.1, map: 0.02 }] },
    cocoStats: [0.11, 0.29, 0.08, 0.05, 0.12, 0.2, 0.1, 0.2, 0.25, 0.1, 0.2, 0.3],
    confusion: { names, counts },
  };
}

test('derived facts come from the numbers: best epoch, plateau, overfitting, per-class extremes, confusion', () => {
  const learning = rows(30, (e) => e / 100, () => 1);
  const d = deriveFacts(facts(learning));
  assert.equal(d.bestEpoch, 30);
  assert.equal(d.bestMap50, 0.3);
  assert.equal(d.stillImproving, true);
  assert.ok(Math.abs(d.boxLoss.drop - (3 - (3 - 29 * 0.05)) / 3) < 1e-12);
  assert.deepEqual(d.bestClass, { name: 'metals_and_plastic', map50: 0.6, instances: 9 });
  assert.deepEqual(d.worstClass, { name: 'other', map50: 0.1, instances: 7 });
  assert.deepEqual(d.mostFalsePositives, { name: 'metals_and_plastic', count: 7, total: 10 });
  assert.deepEqual(d.mostMissed, { name: 'other', count: 4, of: 7 });
  assert.deepEqual(d.topConfusion, { truth: 'metals_and_plastic', predicted: 'glass', count: 3 });
  assert.deepEqual(d.classesWithoutTestLabels, ['glass']);

  const plateau = rows(30, (e) => Math.min(e, 10) / 40, (e) => (e < 15 ? 2 - e / 10 : 0.5 + (e - 15) * 0.05));
  const p = deriveFacts(facts(plateau));
  assert.equal(p.stillImproving, false);
  assert.equal(p.valLoss.minEpoch, 15);
  assert.ok(p.valLoss.aboveMin > 1);
});

test('the text states those numbers and the conclusions they support', () => {
  const text = discussionMarkdown(facts(rows(30, (e) => e / 100, () => 1)));
  assert.match(text, /rose from 0\.010 after the first epoch to 0\.300 at epoch 30/);
  assert.match(text, /still improving/);
  assert.match(text, /no sign of overfitting/);
  assert.match(text, /P 0\.500, R 0\.400, mAP50 0\.310, mAP50-95 0\.120/);
  assert.match(text, /metals_and_plastic is the most over-predicted class: 7 of the 10/);
  assert.match(text, /other objects are missed most often \(4 of 7/);
  assert.match(text, /no labels of glass/);
  assert.match(text, /AP@\[\.50:\.95\] 0\.110, AP50 0\.290/);
  assert.match(text, /SYNTHETIC TACO-mini/);
  checkFormulas(text); // no stray $ that KaTeX would choke on

  const over = discussionMarkdown(facts(rows(30, (e) => Math.min(e, 10) / 40, (e) => (e < 15 ? 2 - e / 10 : 0.5 + (e - 15) * 0.05))));
  assert.match(over, /did not improve in the last fifth/);
  assert.match(over, /above its minimum \(epoch 15\) while the training loss kept falling: a sign of overfitting/);

  const flat = discussionMarkdown(facts(rows(2, () => 0, () => 1)));
  assert.match(flat, /stayed at 0\.000/);
  assert.match(flat, /too short to judge/);
  assert.throws(() => deriveFacts(facts([])), /no results rows/);
});
