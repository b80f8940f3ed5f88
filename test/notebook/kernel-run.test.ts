import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newNotebook, validateNotebook, writeNotebookAtomic, Notebook, CodeCell } from '../../src/notebook/runner/nbformat';
import { runNotebook } from '../../src/notebook/runner/run-notebook';

// Each case starts one real tslab kernel (seconds on a busy 2-core machine), so cases are few and
// each notebook covers several behaviours.
const ROOT = path.resolve(__dirname, '..', '..');

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'taco-nbtest-'));
}

function readNb(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function text(o: unknown): string {
  const t = (o as { text?: string | string[] }).text;
  return Array.isArray(t) ? t.join('') : String(t ?? '');
}

test('prints, displays with an in-place update, then stops at a thrown error; writes a valid executed copy, never the input', async () => {
  const dir = tmpDir();
  try {
    const display = path.relative(dir, path.join(ROOT, 'src', 'notebook', 'display', 'index')).split(path.sep).join('/');
    const input = path.join(dir, 'print.ipynb');
    writeNotebookAtomic(
      input,
      newNotebook([
        { type: 'markdown', source: '# a test notebook' },
        { type: 'code', source: 'console.log("one");\nconsole.log("two");\nconst w = process.stdout.write("three\\n");' },
        { type: 'code', source: `import { showLive, tableBundle } from "${display}";\nconst h = showLive({ "text/plain": "before" });\nshowLive(tableBundle([{ a: 1, b: "<x>" }]));\nh.update({ "text/plain": "after", "text/html": "<b>after</b>" });\nconsole.log("pid", process.pid);` },
        { type: 'code', source: 'const n: number = 2;\nfunction boom(): never { throw new Error("kaboom " + n); }\nboom();' },
        { type: 'code', source: 'console.log("must not run");' },
      ]),
    );
    const before = fs.readFileSync(input);
    const out = path.join(dir, 'out', 'print.ipynb');
    const events: string[] = [];
    const r = await runNotebook(input, { out, timeoutS: 60, onEvent: (e) => events.push(e.type) });

    assert.equal(r.ok, false);
    assert.equal(r.failure?.codeCell, 3);
    assert.equal(r.failure?.cell, 3);
    assert.equal(r.failure?.status, 'error');
    assert.match(r.failure!.message, /kaboom 2/);
    assert.deepEqual(r.cells.map((c) => c.status), ['ok', 'ok', 'error']);
    assert.ok(r.kernelStartSeconds > 0);
    assert.ok(events.includes('kernel-ready') && events.includes('cell-end'));
    assert.deepEqual(fs.readFileSync(input), before, 'the input notebook must not change');

    const nb = readNb(out);
    assert.deepEqual(validateNotebook(nb), []);
    const cells = nb.cells.filter((c): c is CodeCell => c.cell_type === 'code');
    // Consecutive stdout writes merge into one stream output, saved as lines.
    assert.equal(cells[0].outputs.length, 1);
    assert.equal(text(cells[0].outputs[0]), 'one\ntwo\nthree\n');
    assert.deepEqual((cells[0].outputs[0] as { text: string[] }).text, ['one\n', 'two\n', 'three\n']);
    assert.equal(cells[0].execution_count, 1);
    // The first display was rewritten by update_display_data; the table keeps its HTML and text.
    const [d0, d1, pidOut] = cells[1].outputs;
    assert.equal(d0.output_type, 'display_data');
    assert.deepEqual((d0 as { data: unknown }).data, { 'text/plain': 'after', 'text/html': '<b>after</b>' });
    assert.match(String((d1 as { data: Record<string, unknown> }).data['text/html']), /<td>&lt;x&gt;<\/td>/);
    // The failing cell: tslab reports the exception on stderr, and the reply status says "error".
    assert.equal(cells[2].outputs.length, 1);
    assert.equal((cells[2].outputs[0] as { name: string }).name, 'stderr');
    assert.match(text(cells[2].outputs[0]), /kaboom 2/);
    assert.equal(cells[2].execution_count, 3);
    assert.equal(cells[3].execution_count, null);
    assert.deepEqual(cells[3].outputs, []);
    // Timing like nbclient, plus our duration.
    const meta = cells[0].metadata as { execution: Record<string, string>; taco: { duration_s: number; status: string } };
    assert.ok(meta.execution['iopub.status.busy'] && meta.execution['iopub.status.idle'] && meta.execution['shell.execute_reply']);
    assert.equal(meta.taco.status, 'ok');
    assert.ok(meta.taco.duration_s >= 0);
    assert.equal((nb.metadata.taco_run as { failed_code_cell: number }).failed_code_cell, 3);
    // The kernel is gone.
    const pid = Number(/pid (\d+)/.exec(text(pidOut))?.[1]);
    assert.ok(pid > 0);
    assert.equal(alive(pid), false, `kernel ${pid} still running`);
    // Refuses to overwrite the input without --inplace.
    await assert.rejects(runNotebook(input, { out: input }), /--inplace/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a TypeScript type error fails its cell (reply status error, stderr with the diagnostic)', async () => {
  const dir = tmpDir();
  try {
    const input = path.join(dir, 'typeerror.ipynb');
    writeNotebookAtomic(input, newNotebook([
      { type: 'code', source: 'const ok = 1;' },
      { type: 'code', source: 'const s: string = 42;' },
      { type: 'code', source: 'console.log("after");' },
    ]));
    const r = await runNotebook(input, { inplace: true, timeoutS: 60 });
    assert.equal(r.ok, false);
    assert.equal(r.failure?.codeCell, 2);
    assert.match(r.failure!.message, /Type 'number' is not assignable to type 'string'/);
    const nb = readNb(input); // --inplace: the input itself holds the executed notebook
    assert.deepEqual(validateNotebook(nb), []);
    const cells = nb.cells as CodeCell[];
    assert.equal(cells[0].execution_count, 1);
    assert.equal((cells[1].outputs[0] as { name: string }).name, 'stderr');
    assert.equal(cells[2].execution_count, null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a cell past its timeout is recorded as an error output and the kernel is stopped', async () => {
  const dir = tmpDir();
  try {
    const input = path.join(dir, 'timeout.ipynb');
    writeNotebookAtomic(input, newNotebook([
      { type: 'code', source: 'console.log("pid", process.pid);' },
      // A synchronous loop: SIGINT cannot stop it, so the runner must kill the kernel.
      { type: 'code', source: 'while (true) {}' },
      { type: 'code', source: 'console.log("never");' },
    ]));
    const out = path.join(dir, 'timeout.out.ipynb');
    const t0 = Date.now();
    const r = await runNotebook(input, { out, timeoutS: 2 });
    assert.ok(Date.now() - t0 < 40_000);
    assert.equal(r.ok, false);
    assert.equal(r.failure?.status, 'timeout');
    assert.equal(r.failure?.codeCell, 2);
    const nb = readNb(out);
    assert.deepEqual(validateNotebook(nb), []);
    const cells = nb.cells as CodeCell[];
    const err = cells[1].outputs.find((o) => o.output_type === 'error') as { ename: string; evalue: string } | undefined;
    assert.equal(err?.ename, 'CellTimeoutError');
    assert.match(err!.evalue, /2 s/);
    assert.equal(cells[2].execution_count, null);
    const pid = Number(/pid (\d+)/.exec(text(cells[0].outputs[0]))?.[1]);
    assert.ok(pid > 0);
    assert.equal(alive(pid), false, `kernel ${pid} still running`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
