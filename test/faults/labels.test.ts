/**
 * Case 5: training with no labels at all is an error (it used to train on nothing and exit 0 with
 * "box 0.0000 dfl 0.0000"); some images without labels are background images, counted in a warning as
 * ultralytics does.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TINY_TRAIN, cleanup, escapeRe, expectCase, images, killStarted, markInputs, sandbox, taco, tinyDataset } from './helpers';

after(() => killStarted());

test('no labels in the train split: an error naming the labels folder, nothing trained', async () => {
  const sb = sandbox('nolabels');
  try {
    const ds = path.join(sb.inDir, 'ds');
    // Two without a label file, two with an empty one: no box anywhere.
    const data = await tinyDataset(ds, { train: [...images(2, 'a', null), ...images(2, 'b', '')], val: images(1, 'v') });
    markInputs(sb);
    const r = await taco(['train', '--data', data, ...TINY_TRAIN, '--epochs', '1', '--project', sb.outDir, '--name', 'exp'], { cwd: sb.root, timeoutMs: 90_000 });
    await expectCase(sb, r, { status: 1, message: new RegExp(`no labels.*${escapeRe(path.join(ds, 'labels', 'train'))}`) });
    assert.ok(!fs.existsSync(path.join(sb.outDir, 'exp', 'results.csv')), 'results.csv written for a run without labels');
  } finally {
    killStarted();
    cleanup(sb);
  }
});

test('some train images without labels: trained, with a counted warning', async () => {
  const sb = sandbox('somelabels');
  try {
    const data = await tinyDataset(path.join(sb.inDir, 'ds'), { train: [...images(3, 'a'), ...images(1, 'b', null)], val: images(1, 'v') });
    markInputs(sb);
    const r = await taco(['train', '--data', data, ...TINY_TRAIN, '--epochs', '1', '--project', sb.outDir, '--name', 'exp'], { cwd: sb.root, timeoutMs: 90_000 });
    await expectCase(sb, r, { status: 0, message: /warning: 1 of 4 train images have no labels/ });
  } finally {
    killStarted();
    cleanup(sb);
  }
});
