/**
 * Case 1: a signal to `taco` reaches the process doing the work. bin/taco.js runs the CLI in a child
 * node (for tsx's loader); a signal that ends only the wrapper used to leave that child running, training
 * with parent PID 1 beside the next run on the same folder.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ROOT, TINY_TRAIN, annotationsFor, assertRows, childrenOf, cleanup, expectCase, images, killStarted, killTree, loopback,
  markInputs, sandbox, startTaco, taco, tinyDataset, waitGone, workerOf,
} from './helpers';

after(() => killStarted());

/** A download whose server answers nothing: the worker waits on the request until it is stopped. */
async function stalledDownload(tag: string) {
  const sb = sandbox(tag);
  let hits = 0;
  const srv = await loopback(() => { hits++; });
  const ann = path.join(sb.inDir, 'annotations.json');
  annotationsFor(ann, [{ file: 'batch_1/a.jpg', url: `${srv.base}/a.jpg` }]);
  markInputs(sb);
  const args = ['data', 'download', '--annotations', ann, '--out', path.join(sb.outDir, 'data'), '--timeout', '300', '--retries', '0'];
  return { sb, srv, args, hit: () => hits > 0 };
}

for (const [sig, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
  test(`${sig} to taco ends its worker; taco exits ${code} and names the signal`, async () => {
    const { sb, srv, args, hit } = await stalledDownload(sig.toLowerCase());
    const workers: number[] = [];
    try {
      const run = startTaco(args, { cwd: sb.root });
      await run.waitFor(hit);
      const worker = await workerOf(run.pid);
      workers.push(worker);
      process.kill(run.pid, sig);
      const r = await run.done;
      assert.ok(await waitGone(worker, 5000), `the worker (pid ${worker}) is still running after ${sig} to taco`);
      await expectCase(sb, r, { status: code, message: new RegExp(sig), killed: true });
    } finally {
      killStarted(workers);
      await srv.close();
      cleanup(sb);
    }
  });
}

test('npm killed during data download: the worker ends too', async () => {
  const { sb, srv, args, hit } = await stalledDownload('npm');
  const npm = spawn('npm', ['run', '--silent', 'taco', '--', ...args], { cwd: ROOT, stdio: 'ignore', detached: true });
  try {
    const t0 = Date.now();
    while (!hit()) {
      if (Date.now() - t0 > 60_000) throw new Error('npm run taco never reached the server');
      await new Promise((r) => setTimeout(r, 20));
    }
    const wrapper = await findByCmdline(npm.pid as number, 'bin/taco.js');
    const worker = await workerOf(wrapper);
    process.kill(npm.pid as number, 'SIGTERM');
    assert.ok(await waitGone(worker, 5000), `the worker (pid ${worker}) outlived npm`);
    assert.deepEqual(fs.readdirSync(sb.outDir).filter((f) => f !== 'data'), []);
  } finally {
    killTree(npm.pid as number, 'SIGKILL');
    killStarted();
    await srv.close();
    cleanup(sb);
  }
});

test('the wrapper killed with SIGKILL: its worker notices and ends', async () => {
  const { sb, srv, args, hit } = await stalledDownload('wrapkill');
  const workers: number[] = [];
  try {
    const run = startTaco(args, { cwd: sb.root });
    await run.waitFor(hit);
    const worker = await workerOf(run.pid);
    workers.push(worker);
    process.kill(run.pid, 'SIGKILL');
    await run.done;
    assert.ok(await waitGone(worker, 5000), `the worker (pid ${worker}) outlived its wrapper`);
  } finally {
    killStarted(workers);
    await srv.close();
    cleanup(sb);
  }
});

test('the worker killed with SIGKILL (the OOM killer): taco exits 137 and says so, suggesting memory', async () => {
  const { sb, srv, args, hit } = await stalledDownload('oom');
  try {
    const run = startTaco(args, { cwd: sb.root });
    await run.waitFor(hit);
    process.kill(await workerOf(run.pid), 'SIGKILL');
    const r = await run.done;
    await expectCase(sb, r, { status: 137, message: /SIGKILL.*memory/i, killed: true });
  } finally {
    killStarted();
    await srv.close();
    cleanup(sb);
  }
});

test('SIGTERM during training stops the training; --resume then completes every epoch exactly once', async () => {
  const sb = sandbox('train-term');
  const workers: number[] = [];
  try {
    const data = await tinyDataset(path.join(sb.inDir, 'ds'), { train: images(4), val: images(1, 'v') });
    markInputs(sb);
    const runDir = path.join(sb.outDir, 'exp');
    const run = startTaco(['train', '--data', data, ...TINY_TRAIN, '--epochs', '6', '--project', sb.outDir, '--name', 'exp'], { cwd: sb.root });
    const csv = path.join(runDir, 'results.csv');
    await run.waitFor(() => fs.existsSync(csv) && fs.readFileSync(csv, 'utf8').trim().split('\n').length >= 2, 120_000);
    const worker = await workerOf(run.pid);
    workers.push(worker);
    process.kill(run.pid, 'SIGTERM');
    const r = await run.done;
    assert.ok(await waitGone(worker, 5000), `the worker (pid ${worker}) kept training after SIGTERM to taco`);
    await expectCase(sb, r, { status: 143, message: /SIGTERM/, killed: true });
    const rows = assertRows(csv);
    assert.ok(rows < 6, `${rows} epochs: the run did not stop`);
    // Nothing goes on writing the folder once taco has exited.
    const snap = fs.readFileSync(csv, 'utf8');
    await new Promise((res) => setTimeout(res, 3000));
    assert.equal(fs.readFileSync(csv, 'utf8'), snap, 'results.csv changed after taco exited');

    const resumed = await taco(['train', '--resume', runDir, '--backend', 'wasm'], { cwd: sb.root, timeoutMs: 120_000 });
    await expectCase(sb, resumed, { status: 0, message: /resume: from epoch/, killed: true });
    assert.equal(assertRows(csv), 6);
  } finally {
    killStarted(workers);
    cleanup(sb);
  }
});

/** A node descendant of `root` running the script `needle`. */
async function findByCmdline(root: number, needle: string): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const queue = [root];
    while (queue.length) {
      const p = queue.shift() as number;
      for (const c of childrenOf(p)) {
        try {
          const argv = fs.readFileSync(`/proc/${c}/cmdline`, 'utf8').split('\0');
          if (/node$/.test(argv[0]) && (argv[1] ?? '').endsWith(needle)) return c;
        } catch {
          // gone
        }
        queue.push(c);
      }
    }
    if (Date.now() - t0 > 30_000) throw new Error(`no ${needle} under pid ${root}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
