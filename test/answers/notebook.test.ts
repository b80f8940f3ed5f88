import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allAnswers } from '../../src/answers';
import { buildPart2Notebook, part2NotebookJson } from '../../src/answers/part2-notebook';

const FILE = path.resolve(__dirname, '..', '..', 'notebooks', 'Part2_SummaryQuestions.ipynb');

interface NbCell {
  id: string;
  cell_type: string;
  source: string[];
  metadata: { nbgrader?: { grade_id: string; points: number; grade: boolean } };
}

test('notebooks/Part2_SummaryQuestions.ipynb is in sync with src/answers (regenerate with writePart2Notebook)', () => {
  assert.equal(fs.readFileSync(FILE, 'utf8'), part2NotebookJson());
});

test('the notebook: every question, then its answer cell; graded demo cells with unique ids and points', () => {
  const nb = buildPart2Notebook() as unknown as { cells: NbCell[]; metadata: { kernelspec: { name: string } } };
  assert.equal(nb.metadata.kernelspec.name, 'tslab');
  const src = nb.cells.map((c) => c.source.join(''));
  for (const a of allAnswers()) {
    const [topic, q] = a.id.split('.');
    const i = src.indexOf(`show(renderAnswer(answers.${topic}.${q}));`);
    assert.ok(i > 0, `${a.id}: no answer cell`);
    assert.equal(nb.cells[i - 1].cell_type, 'markdown');
    assert.ok(src[i - 1].startsWith(`**${a.number}.**`), `${a.id}: question cell must precede the answer`);
  }
  const graded = nb.cells.filter((c) => c.metadata.nbgrader?.grade);
  assert.ok(graded.length >= 15);
  const ids = graded.map((c) => c.metadata.nbgrader!.grade_id);
  assert.equal(new Set(ids).size, ids.length);
  for (const c of graded) {
    assert.ok(c.metadata.nbgrader!.points > 0);
    assert.match(c.source.join(''), /assert\./, `${c.id}: a graded cell must assert`);
  }
  assert.equal(new Set(nb.cells.map((c) => c.id)).size, nb.cells.length);
});
