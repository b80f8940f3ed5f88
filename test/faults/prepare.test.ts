/**
 * Case 4 (data): `data prepare` does not succeed with nothing to train on. A split with no usable picture is
 * an error and no data.yaml is written (its presence means "complete dataset"); it used to exit 0 and write
 * data.yaml with every picture missing.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanup, escapeRe, expectCase, killStarted, markInputs, picture, sandbox, taco } from './helpers';
import { writeTacoFixture } from '../data/fixture';

after(() => killStarted());

test('every picture missing: an error naming the split and the folder; no data.yaml', async () => {
  const sb = sandbox('prep-missing');
  try {
    const taco0 = path.join(sb.inDir, 'taco');
    await writeTacoFixture(taco0, [
      { file: 'batch_1/a.jpg', width: 64, height: 64 },
      { file: 'batch_1/b.jpg', width: 64, height: 64 },
      { file: 'batch_2/c.jpg', width: 64, height: 64, test: true },
    ]);
    markInputs(sb);
    const out = path.join(sb.outDir, 'ds');
    const r = await taco(['data', 'prepare', '--taco', taco0, '--out', out, '--imgsz', '64'], { cwd: sb.root, timeoutMs: 60_000 });
    await expectCase(sb, r, { status: 1, message: new RegExp(`train split has no usable picture.*missing 3.*looked for in ${escapeRe(taco0)}`, 's') });
    assert.ok(!fs.existsSync(path.join(out, 'data.yaml')), 'data.yaml written for an empty dataset');
  } finally {
    cleanup(sb);
  }
});

test('a split whose pictures are all unreadable is an error too (the test split here)', async () => {
  const sb = sandbox('prep-test');
  try {
    const taco0 = path.join(sb.inDir, 'taco');
    const good = await picture();
    await writeTacoFixture(taco0, [
      { file: 'batch_1/a.jpg', bytes: good, width: 64, height: 64 },
      { file: 'batch_1/b.jpg', bytes: good, width: 64, height: 64 },
      { file: 'batch_2/c.jpg', bytes: Buffer.from('no picture'), width: 64, height: 64, test: true },
    ]);
    markInputs(sb);
    const out = path.join(sb.outDir, 'ds');
    const r = await taco(['data', 'prepare', '--taco', taco0, '--out', out, '--imgsz', '64', '--val', '0'], { cwd: sb.root, timeoutMs: 60_000 });
    await expectCase(sb, r, { status: 1, message: /test split has no usable picture.*decodeError 1.*batch_2\/c\.jpg/s });
    assert.ok(!fs.existsSync(path.join(out, 'data.yaml')));
  } finally {
    cleanup(sb);
  }
});

test('a split left empty on purpose (--val 0) is fine, and its folders exist for the trainer', async () => {
  const sb = sandbox('prep-val0');
  try {
    const taco0 = path.join(sb.inDir, 'taco');
    const good = await picture();
    await writeTacoFixture(taco0, [
      { file: 'batch_1/a.jpg', bytes: good, width: 64, height: 64 },
      { file: 'batch_2/c.jpg', bytes: good, width: 64, height: 64, test: true },
    ]);
    markInputs(sb);
    const out = path.join(sb.outDir, 'ds');
    const r = await taco(['data', 'prepare', '--taco', taco0, '--out', out, '--imgsz', '64', '--val', '0'], { cwd: sb.root, timeoutMs: 60_000 });
    await expectCase(sb, r, { status: 0, message: /images written: train 1, val 0, test 1/ });
    assert.ok(fs.existsSync(path.join(out, 'data.yaml')));
    assert.ok(fs.statSync(path.join(out, 'images', 'val')).isDirectory());
  } finally {
    cleanup(sb);
  }
});
