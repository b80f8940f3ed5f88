/**
 * Case 2: one run per folder. `train` and `train --resume` lock the run folder (pid, host, start time); a
 * second run is refused with a message naming the holder, and a lock whose process is dead is taken over,
 * saying so. Before, a resume beside a running training interleaved results.csv (1,2,3,4,5,6,4,7,5,...)
 * and broke the checkpoint renames.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  TINY_TRAIN, assertRows, cleanup, escapeRe, expectCase, images, killStarted, killTree, markInputs, sandbox, startTaco, taco, tinyDataset, waitGone, workerOf,
} from './helpers';
import * as fs from 'node:fs';

after(() => killStarted());

test('a second run on a folder in use is refused naming the holder; a dead holder\'s lock is taken over', async () => {
  const sb = sandbox('lock');
  try {
    const data = await tinyDataset(path.join(sb.inDir, 'ds'), { train: images(4), val: images(1, 'v') });
    markInputs(sb);
    const runDir = path.join(sb.outDir, 'exp');
    const csv = path.join(runDir, 'results.csv');
    const first = startTaco(['train', '--data', data, ...TINY_TRAIN, '--epochs', '8', '--project', sb.outDir, '--name', 'exp'], { cwd: sb.root });
    await first.waitFor(() => fs.existsSync(csv) && fs.readFileSync(csv, 'utf8').trim().split('\n').length >= 2, 120_000);
    const holder = await workerOf(first.pid);

    // Both at once: a resume, and a fresh run told to reuse the folder.
    const [resume, reuse] = await Promise.all([
      taco(['train', '--resume', runDir, '--backend', 'wasm'], { cwd: sb.root, timeoutMs: 60_000 }),
      taco(['train', '--data', data, ...TINY_TRAIN, '--epochs', '2', '--project', sb.outDir, '--name', 'exp', '--exist-ok'], { cwd: sb.root, timeoutMs: 60_000 }),
    ]);
    const names = new RegExp(`${escapeRe(runDir)}.*pid ${holder}.*${escapeRe(os.hostname())}`, 's');
    // The holder is writing the folder meanwhile: its files are checked once it is gone and the run resumed.
    for (const r of [resume, reuse]) await expectCase(sb, r, { status: 1, message: names, sound: false });

    // The holder dies without a chance to clean up: its lock stays, stale.
    killTree(first.pid, 'SIGKILL');
    await first.done;
    assert.ok(await waitGone(holder));
    assert.ok(assertRows(csv) < 8, 'the first run finished before the checks');
    const taken = await taco(['train', '--resume', runDir, '--backend', 'wasm'], { cwd: sb.root, timeoutMs: 120_000 });
    await expectCase(sb, taken, { status: 0, message: new RegExp(`pid ${holder}.*(no longer running|not running)`), killed: true });
    assert.equal(assertRows(csv), 8);
    assert.deepEqual(fs.readdirSync(runDir).filter((f) => /lock/.test(f)), [], 'the lock is released at the end');
  } finally {
    killStarted();
    cleanup(sb);
  }
});
