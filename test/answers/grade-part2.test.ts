import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gradeNotebook } from '../../src/notebook/grade/grade';

const NOTEBOOK = path.resolve(__dirname, '..', '..', 'notebooks', 'Part2_SummaryQuestions.ipynb');

test('the Part 2 notebook runs clean through the runner and `taco grade` passes every check', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-grade-p2-'));
  const g = await gradeNotebook(NOTEBOOK, { outDir: out });
  const failed = g.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`);
  assert.deepEqual(failed, []);
  assert.ok(g.checks.length >= 19, `${g.checks.length} checks`);
  assert.equal(g.earned, g.possible);
  const executed = JSON.parse(fs.readFileSync(g.executed, 'utf8')) as { cells: { cell_type: string; outputs?: { output_type: string; name?: string }[] }[] };
  const stderr = executed.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'));
  assert.deepEqual(stderr, [], 'nothing on stderr and no error outputs');
  fs.rmSync(out, { recursive: true, force: true });
});
