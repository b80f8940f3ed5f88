// Bad COCO input: each case gets an error naming the file and the entry, or the documented handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CocoGt, CocoInputError, CocoResult, cocoEvaluate, readCocoGt, readCocoResults, validateResults } from '../../src/project/eval/coco';
import { fixturePath } from '../helpers/shared';

function gt(): CocoGt {
  return {
    images: [{ id: 1 }, { id: 2 }],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 50, 50], area: 2500, iscrowd: 0 },
      { id: 2, image_id: 2, category_id: 2, bbox: [20, 20, 40, 40], area: 1600, iscrowd: 0 },
    ],
    categories: [
      { id: 1, name: 'metals_and_plastic' },
      { id: 2, name: 'glass' },
    ],
  };
}

const ok: CocoResult = { image_id: 1, category_id: 1, bbox: [10, 10, 50, 50], score: 0.9 };

function throwsNaming(fn: () => unknown, ...parts: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CocoInputError, `expected a CocoInputError, got ${String(e)}`);
    for (const p of parts) assert.match((e as Error).message, p);
    return true;
  });
}

test('a result on an unknown image id is refused, naming the file and the entry', () => {
  throwsNaming(() => validateResults([ok, { ...ok, image_id: 7 }], gt(), 'dt.json'), /^dt\.json: /, /results\[1\]/, /image_id 7/, /not among the GT images/);
});

test('NaN, negative and non-numeric scores are errors', () => {
  throwsNaming(() => validateResults([{ ...ok, score: NaN }], gt(), 'dt.json'), /results\[0\]/, /score/, /NaN/);
  throwsNaming(() => validateResults([ok, ok, { ...ok, score: -0.1 }], gt(), 'dt.json'), /results\[2\]/, />= 0/);
  throwsNaming(() => validateResults([{ ...ok, score: '0.9' }], gt(), 'dt.json'), /results\[0\]/, /score/);
});

test('non-finite or malformed boxes and missing fields are errors', () => {
  throwsNaming(() => validateResults([{ ...ok, bbox: [0, 0, Infinity, 5] }], gt(), 'dt.json'), /results\[0\]/, /bbox/);
  throwsNaming(() => validateResults([{ ...ok, bbox: [0, 0, 5] }], gt(), 'dt.json'), /bbox/);
  throwsNaming(() => validateResults([{ image_id: 1, category_id: 1, score: 0.5 }], gt(), 'dt.json'), /missing field "bbox"/);
  throwsNaming(() => validateResults([ok, 42], gt(), 'dt.json'), /results\[1\]/, /not an object/);
  throwsNaming(() => validateResults({ annotations: [] }, gt(), 'dt.json'), /JSON array/);
});

test('unknown category: ignored with a warning as pycocotools does; an error under strict', () => {
  const dt: CocoResult[] = [ok, { ...ok, category_id: 99 }];
  const v = validateResults(dt, gt(), 'dt.json');
  assert.equal(v.warnings.length, 1);
  assert.match(v.warnings[0], /results\[1\] category_id 99/);
  const withUnknown = cocoEvaluate(gt(), dt);
  assert.deepEqual(withUnknown.stats, cocoEvaluate(gt(), [ok]).stats);
  throwsNaming(() => validateResults(dt, gt(), 'dt.json', { strict: true }), /category_id 99/, /strict/);
});

test('negative-size box: kept with a warning (matches nothing, ignored outside every area range); error under strict', () => {
  // Scored below the real detection: above it, it would still take the maxDets=1 slot (AR@1 0), as in pycocotools.
  const dt: CocoResult[] = [ok, { ...ok, bbox: [10, 10, -5, 50], score: 0.5 }];
  const v = validateResults(dt, gt(), 'dt.json');
  assert.match(v.warnings[0], /negative width or height/);
  // Its w*h is negative, so it lies outside the [0, 1e10] "all" range too and is ignored: AP stays as without it.
  assert.deepEqual(cocoEvaluate(gt(), dt).stats, cocoEvaluate(gt(), [ok]).stats);
  throwsNaming(() => validateResults(dt, gt(), 'dt.json', { strict: true }), /negative/);
});

test('empty results: documented "no detections" with a warning; an error under strict', () => {
  assert.match(validateResults([], gt(), 'dt.json').warnings[0], /empty/);
  throwsNaming(() => validateResults([], gt(), 'dt.json', { strict: true }), /empty/);
});

test('GT checks: duplicate annotation id, missing area, bad iscrowd', () => {
  const dup = gt();
  dup.annotations[1].id = 1;
  throwsNaming(() => cocoEvaluate(dup, [ok], { gtSource: 'gt.json' }), /^gt\.json: annotations\[1\]/, /duplicate annotation id 1/);
  const noArea = gt() as unknown as { annotations: Array<Record<string, unknown>> };
  delete noArea.annotations[0].area;
  throwsNaming(() => cocoEvaluate(noArea as unknown as CocoGt, [ok]), /annotations\[0\]/, /missing field "area"/);
  const crowd = gt() as unknown as { annotations: Array<Record<string, unknown>> };
  crowd.annotations[0].iscrowd = 'yes';
  throwsNaming(() => cocoEvaluate(crowd as unknown as CocoGt, [ok]), /iscrowd/);
  // A missing iscrowd counts as 0.
  const noCrowd = gt() as unknown as { annotations: Array<Record<string, unknown>> };
  delete noCrowd.annotations[0].iscrowd;
  assert.deepEqual(cocoEvaluate(noCrowd as unknown as CocoGt, [ok]).stats, cocoEvaluate(gt(), [ok]).stats);
});

test('file readers name the file: missing file, invalid JSON, NaN written by Python', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-cocoeval-'));
  try {
    const gtFile = path.join(dir, 'gt.json');
    fs.writeFileSync(gtFile, JSON.stringify(gt()));
    const g = readCocoGt(gtFile);
    const bad = path.join(dir, 'dt.json');
    fs.writeFileSync(bad, '[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": NaN}]');
    throwsNaming(() => readCocoResults(bad, g), new RegExp(bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')), /not valid JSON/, /NaN or Infinity/);
    throwsNaming(() => readCocoGt(path.join(dir, 'nope.json')), /nope\.json: cannot read/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: taco cocoeval --json prints pycocotools\' stats at full precision; --per-class names the categories', (t) => {
  const fixture = fixturePath('cocoeval', 'category_mismatch.json');
  const c = JSON.parse(fs.readFileSync(fixture, 'utf8'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-cocoeval-cli-'));
  try {
    fs.writeFileSync(path.join(dir, 'gt.json'), JSON.stringify(c.gt));
    fs.writeFileSync(path.join(dir, 'dt.json'), JSON.stringify(c.dt));
    const bin = path.resolve(__dirname, '..', '..', 'bin', 'taco.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'cocoeval', path.join(dir, 'gt.json'), path.join(dir, 'dt.json'), ...args], { encoding: 'utf8' });
    const j = run('--json');
    assert.equal(j.status, 0, j.stderr);
    const out = JSON.parse(j.stdout);
    assert.deepEqual(out.stats, c.stats);
    assert.deepEqual(out.per_category_ap, c.per_category_ap);
    assert.match(j.stderr, /category id absent from the GT categories/);
    const txt = run('--per-class');
    assert.equal(txt.status, 0, txt.stderr);
    assert.match(txt.stdout, /^ Average Precision {2}\(AP\) @\[ IoU=0\.50:0\.95 \| area= {3}all \| maxDets=100 \] = 0\.200$/m);
    assert.match(txt.stdout, /cat6 +0 +-1\.000/);
    const strict = run('--strict');
    assert.notEqual(strict.status, 0);
    assert.match(strict.stderr, /dt\.json: .*category_id 99/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
