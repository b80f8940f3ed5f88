/**
 * Case 6: a results.csv row never exists without its checkpoint, and a restart never duplicates rows. The
 * epoch-1 row used to be appended before the first checkpoint committed: a kill -9 in between left a run
 * that could not be resumed, and restarting it with --exist-ok appended a second "1," row.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TINY_TRAIN, assertRows, cleanup, expectCase, images, killStarted, killTree, markInputs, sandbox, startTaco, taco, tinyDataset } from './helpers';

after(() => killStarted());

test('kill -9 as soon as the epoch-1 row appears: the run resumes, and a restart does not duplicate rows', async () => {
  const sb = sandbox('rows');
  try {
    const data = await tinyDataset(path.join(sb.inDir, 'ds'), { train: images(4), val: images(1, 'v') });
    markInputs(sb);
    const runDir = path.join(sb.outDir, 'exp');
    const csv = path.join(runDir, 'results.csv');
    const run = startTaco(['train', '--data', data, ...TINY_TRAIN, '--epochs', '3', '--project', sb.outDir, '--name', 'exp'], { cwd: sb.root });
    await run.waitFor(() => fs.existsSync(csv) && fs.readFileSync(csv, 'utf8').trim().split('\n').length >= 2, 120_000);
    killTree(run.pid, 'SIGKILL');
    await run.done;
    const rows = assertRows(csv);
    assert.ok(rows >= 1 && rows < 3, `${rows} rows`);
    assert.ok(fs.existsSync(path.join(runDir, 'weights', 'last.json')), 'a results row without its checkpoint');

    const resumed = await taco(['train', '--resume', runDir, '--backend', 'wasm'], { cwd: sb.root, timeoutMs: 120_000 });
    await expectCase(sb, resumed, { status: 0, message: /resume: from epoch/, killed: true });
    assert.equal(assertRows(csv), 3);

    // The same folder started over: its rows are the new run's, once each.
    const again = await taco(['train', '--data', data, ...TINY_TRAIN, '--epochs', '2', '--project', sb.outDir, '--name', 'exp', '--exist-ok'], { cwd: sb.root, timeoutMs: 120_000 });
    await expectCase(sb, again, { status: 0, message: new RegExp(`done: 2 epochs in .*exp`), killed: true });
    assert.equal(assertRows(csv), 2);
  } finally {
    killStarted();
    cleanup(sb);
  }
});
