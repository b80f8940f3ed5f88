import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPart2Notebook } from '../../src/answers/part2-notebook';
import { markdownToHtml, pageMacros } from '../../src/notebook/display/math';
import { tslabNotebook } from '../../src/notebook/runner/nbformat';
import { renderPage } from '../../src/report/render-page';

/** The report's Markdown cells: math typeset with KaTeX, and macro preambles honoured as Jupyter does. */

function page(cells: string[]): string {
  const nb = tslabNotebook(cells.map((s) => ({ cell_type: 'markdown', metadata: {}, source: [s] })));
  const provenance = { date: '2026-01-01', commit: 'x', backend: 'cpu', versions: {} };
  return renderPage({ name: 'T.ipynb', nb, provenance, plotlySource: () => '', highlightCss: '', nonce: 'n' }).html;
}

test('a cell of \\newcommand\'s (the course preamble) serves the cells after it, and may redefine \\mat and \\vec as MathJax allows', () => {
  const html = page([
    '$$\n\\newcommand{\\mat}[1]{\\boldsymbol {#1}}\n\\newcommand{\\vec}[1]{\\boldsymbol {#1}}\n\\newcommand{\\mattr}[1]{\\boldsymbol {#1}^\\top}\n$$',
    'Then $\\mattr{A}\\vec{x} = \\mat{b}$.',
  ]);
  assert.doesNotMatch(html, /katex-error|#cc0000/, 'no error and no undefined control sequence (KaTeX prints those red)');
  assert.match(html, /<mi mathvariant="bold-italic">x<\/mi>/, '\\vec as the preamble defines it (bold, not an arrow)');
  assert.match(html, /<mo>⊤<\/mo>|<mi mathvariant="normal">⊤<\/mi>/, '\\mattr defined by the preamble');
  // The next page starts clean: \vec is KaTeX's arrow again.
  const next = page(['$\\vec{x}$']);
  assert.doesNotMatch(next, /bold-italic/);
  assert.doesNotMatch(next, /katex-error|#cc0000/);
});

test('without a page, each formula starts from the course macros; with one, definitions carry over', () => {
  // KaTeX prints an undefined control sequence in red (#cc0000) rather than as a katex-error.
  assert.match(markdownToHtml('$\\newcommand{\\foo}{y}$ $\\foo$'), /#cc0000/, 'a lone formula does not see a neighbour\'s definition');
  const m = pageMacros();
  markdownToHtml('$\\newcommand{\\foo}{y}$', m);
  assert.doesNotMatch(markdownToHtml('$\\foo$', m), /katex-error|#cc0000/);
  assert.ok(!('\\foo' in pageMacros()), 'pages do not share definitions');
});

test('the Part 2 notebook renders in the report with its answers typeset: MathML, no KaTeX error, no raw TeX', () => {
  const nb = buildPart2Notebook();
  const html = renderPage({ name: 'Part2_SummaryQuestions.ipynb', nb, provenance: { date: 'd', commit: 'c', backend: 'cpu', versions: {} }, plotlySource: () => '', highlightCss: '', nonce: 'n' }).html;
  assert.doesNotMatch(html, /katex-error|#cc0000/);
  const markdownSections = [...html.matchAll(/<section class="cell markdown">([\s\S]*?)<\/section>/g)].map((m) => m[1]);
  assert.ok(markdownSections.length > 60);
  const formulas = markdownSections.join('').match(/<math /g) ?? [];
  assert.ok(formulas.length > 400, `${formulas.length} formulas`);
  for (const s of markdownSections) {
    const visible = s.replace(/<annotation[\s\S]*?<\/annotation>/g, '').replace(/<pre[\s\S]*?<\/pre>|<code[\s\S]*?<\/code>/g, '');
    assert.doesNotMatch(visible, /\$|\\frac|\\sum|\\mathcal/, visible.slice(0, 200));
  }
  assert.match(html, /<strong>Answer:<\/strong>/);
});
