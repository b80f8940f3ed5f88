import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gradeNotebook, formatGradeTable, listChecks } from '../../src/notebook/grade/grade';

function cell(source: string, check?: { id: string; points: number }) {
  return {
    cell_type: 'code',
    id: check ? check.id : `setup-${source.length}`,
    execution_count: null,
    metadata: check ? { nbgrader: { grade: true, grade_id: check.id, points: check.points, locked: true, solution: false, schema_version: 3 } } : {},
    outputs: [],
    source: source,
  };
}

test('grading runs every check independently: a failure and a timeout do not stop later checks', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-grade-'));
  const nb = path.join(dir, 'g.ipynb');
  const cells = [
    cell('const base = 40;'),
    cell('if (base + 2 !== 42) throw new Error("bad");', { id: 'adds', points: 2 }),
    cell('throw new Error("boom: wrong answer");', { id: 'fails', points: 3 }),
    cell('while (true) {}', { id: 'hangs', points: 1 }),
    cell('if (base !== 40) throw new Error("setup lost"); if (process.env.TACO_GRADING !== "1") throw new Error("not in grading mode");', { id: 'after-restart', points: 4 }),
  ];
  fs.writeFileSync(nb, JSON.stringify({ cells, metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } }, nbformat: 4, nbformat_minor: 5 }));
  assert.deepEqual(listChecks(nb).map((c) => c.id), ['adds', 'fails', 'hangs', 'after-restart']);
  const g = await gradeNotebook(nb, { outDir: path.join(dir, 'out'), checkTimeoutS: 3 });
  const by = Object.fromEntries(g.checks.map((c) => [c.id, c]));
  assert.equal(by.adds.passed, true);
  assert.equal(by.fails.passed, false);
  assert.match(by.fails.message, /boom: wrong answer/);
  assert.equal(by.hangs.passed, false);
  assert.match(by.hangs.message, /timeout/);
  assert.equal(by['after-restart'].passed, true, by['after-restart'].message);
  assert.equal(g.earned, 6);
  assert.equal(g.possible, 10);
  assert.equal(g.ok, false);
  const saved = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'grade.json'), 'utf8'));
  assert.deepEqual(saved.map((c: { id: string; passed: boolean }) => [c.id, c.passed]), [['adds', true], ['fails', false], ['hangs', false], ['after-restart', true]]);
  assert.match(formatGradeTable(g), /6 \/ 10 points, 2 of 4 checks passed/);
  fs.rmSync(dir, { recursive: true, force: true });
});
