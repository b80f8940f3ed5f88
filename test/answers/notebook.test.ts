import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allAnswers } from '../../src/answers';
import { jupyterMath } from '../../src/answers/jupyter-math';
import { answerCell, expandMacros, questionCell } from '../../src/answers/notebook-markdown';
import { buildPart2Notebook, part2NotebookJson } from '../../src/answers/part2-notebook';
import { collectFormulas, markdownToHtml, renderTex } from '../../src/notebook/display/math';

const FILE = path.resolve(__dirname, '..', '..', 'notebooks', 'Part2_SummaryQuestions.ipynb');

interface NbCell {
  id: string;
  cell_type: string;
  source: string[];
  outputs?: unknown[];
  metadata: { nbgrader?: { grade_id: string; points: number; grade: boolean } };
}

const notebook = (): { cells: NbCell[]; metadata: { kernelspec: { name: string } } } => buildPart2Notebook() as unknown as { cells: NbCell[]; metadata: { kernelspec: { name: string } } };
const text = (c: NbCell): string => c.source.join('');

test('notebooks/Part2_SummaryQuestions.ipynb is in sync with src/answers (regenerate with writePart2Notebook)', () => {
  assert.equal(fs.readFileSync(FILE, 'utf8'), part2NotebookJson());
});

test('the notebook reads without running: every question, then its answer as a Markdown cell; code cells are only demos and checks', () => {
  const nb = notebook();
  assert.equal(nb.metadata.kernelspec.name, 'tslab');
  const src = nb.cells.map(text);
  for (const a of allAnswers()) {
    const i = src.indexOf(answerCell(a));
    assert.ok(i > 0, `${a.id}: no answer cell`);
    assert.equal(nb.cells[i].cell_type, 'markdown');
    assert.ok(src[i].startsWith('**Answer:**'), a.id);
    assert.equal(src[i - 1], questionCell(a), `${a.id}: the question cell must precede the answer`);
    assert.ok(src[i - 1].startsWith(`**${a.number}.**`));
  }
  const code = nb.cells.filter((c) => c.cell_type === 'code');
  const [setup, ...demos] = code;
  assert.match(text(setup), /^import assert/);
  for (const c of code) {
    assert.doesNotMatch(text(c), /renderAnswer|renderMarkdown|answers\./, `${c.id}: answers are Markdown cells, not code`);
    assert.deepEqual(c.outputs, [], `${c.id}: the committed notebook carries no outputs`);
  }
  assert.ok(demos.every((c) => c.metadata.nbgrader?.grade), 'every code cell after the setup is a graded check');
  assert.ok(demos.length >= 20, `${demos.length} checks`);
  const ids = demos.map((c) => c.metadata.nbgrader!.grade_id);
  assert.equal(new Set(ids).size, ids.length);
  for (const c of demos) {
    assert.ok(c.metadata.nbgrader!.points > 0);
    assert.match(text(c), /assert\./, `${c.id}: a graded cell must assert`);
  }
  assert.equal(new Set(nb.cells.map((c) => c.id)).size, nb.cells.length);
});

test('Markdown cells need no macro from another cell: \\mat and \\norm are expanded', () => {
  assert.equal(expandMacros('$\\mat{W}_1 \\norm{\\mat{W_2}}_F^{2}$'), '$\\boldsymbol{W}_1 \\left\\lVert\\boldsymbol{W_2}\\right\\rVert_F^{2}$');
  assert.equal(expandMacros('$\\mat W + \\mat\\delta$'), '$\\boldsymbol{W} + \\boldsymbol{\\delta}$');
  for (const c of notebook().cells.filter((x) => x.cell_type === 'markdown')) {
    assert.doesNotMatch(text(c), /\\(mat|norm)(?![A-Za-z])|\\newcommand/, c.id);
    // With no macros at all, every formula still compiles.
    for (const f of collectFormulas(text(c))) assert.doesNotThrow(() => katexNoMacros(f.tex, f.display), `${c.id}: ${f.tex}`);
  }
});

function katexNoMacros(tex: string, display: boolean): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const katex = require('katex') as typeof import('katex');
  katex.renderToString(tex, { displayMode: display, output: 'mathml', throwOnError: true, strict: 'error' });
}

test('Jupyter and the report see the same formulas in every Markdown cell (math survives Markdown parsing)', () => {
  let n = 0;
  for (const c of notebook().cells.filter((x) => x.cell_type === 'markdown')) {
    const ours = collectFormulas(text(c)).map((f) => [f.display, f.tex]);
    const jupyter = jupyterMath(text(c)).map((f) => [f.display, f.tex]);
    assert.deepEqual(jupyter, ours, `${c.id}: JupyterLab/classic notebook and the report's renderer disagree`);
    n += ours.length;
  }
  assert.ok(n > 400, `${n} formulas`);
});

test('the report renders every Markdown cell with KaTeX: no raw TeX, no KaTeX error', () => {
  for (const c of notebook().cells.filter((x) => x.cell_type === 'markdown')) {
    const html = markdownToHtml(text(c));
    assert.doesNotMatch(html, /katex-error|#cc0000/, `${c.id}: a KaTeX error or an undefined control sequence (printed red)`);
    const visible = html.replace(/<annotation[\s\S]*?<\/annotation>/g, '').replace(/<pre>[\s\S]*?<\/pre>|<code>[\s\S]*?<\/code>/g, '');
    assert.doesNotMatch(visible, /\$|\\frac|\\sum|\\mathcal|\\boldsymbol/, `${c.id}: TeX left outside math`);
  }
  assert.match(renderTex('\\boldsymbol{W}', false), /<math/);
});

test('the Jupyter math scanner follows Jupyter\'s rules', () => {
  assert.deepEqual(jupyterMath('a `$x$` b $y_1$ and \\$5'), [{ tex: 'y_1', display: false }]);
  assert.deepEqual(jupyterMath('$$\na_{i}^{*} \\\\ b\n$$'), [{ tex: '\na_{i}^{*} \\\\ b\n', display: true }]);
  assert.deepEqual(jupyterMath('$$a\n\nb$$'), [], 'a blank line ends math');
  assert.deepEqual(jupyterMath('$\\{x$ and $y}$'), [{ tex: '\\{x', display: false }, { tex: 'y}', display: false }]);
  assert.deepEqual(jupyterMath('$f{x$ y$ z}$'), [{ tex: 'f{x$ y$ z}', display: false }], 'a closer inside unbalanced braces is skipped');
  assert.deepEqual(jupyterMath('```\n$x$\n```\n$y$'), [{ tex: 'y', display: false }]);
});
