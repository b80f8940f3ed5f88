import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { plotlyBundle } from '../../src/notebook/display/plotly';
import { newNotebook, writeNotebookAtomic, CodeCell } from '../../src/notebook/runner/nbformat';
import { buildReport, backendFromOutputs, pageFileName } from '../../src/report/build';
import { gradeNotebook } from '../../src/report/grading';
import { plotlyFigureOf, readJson } from '../../src/report/plotly-figure';
import { renderPage } from '../../src/report/render-page';
import { sanitizeFragment } from '../../src/report/sanitize';
import { hostileNotebook } from './fixtures';

const ROOT = path.resolve(__dirname, '..', '..');

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'taco-report-test-'));
}

const PROV = { date: '2024-01-01T00:00:00.000Z', commit: 'abc123', backend: 'cpu (test)', versions: { node: process.versions.node } };

test('sanitizer drops scripts, handlers, javascript: links and network images, keeps MathML, tables and data images', () => {
  const out = sanitizeFragment(
    '<p onclick="x()">a<script>alert(1)</script><img src="http://x/y.png"><img src="x"><img src="data:text/html,hi"><img src="data:image/png;base64,AAAA" onerror="z()">' +
      '<a href="javascript:alert(1)">j</a><a href="https://ok.example">k</a><span style="background:url(http://x)">s</span>' +
      '<span style="color:red">r</span><iframe src="https://x"></iframe><object data="x"></object><svg onload="1"><circle/></svg>' +
      '<math display="block"><mfrac><mi>a</mi><mi>b</mi></mfrac></math><table><tr><td style="text-align:right">1</td></tr></table></p>',
  );
  for (const bad of ['src="x"', 'data:text', '<script', 'onclick', 'onerror', 'javascript:', 'http://x', 'url(', '<iframe', '<object', '<svg', 'onload']) assert.ok(!out.includes(bad), `${bad} survived: ${out}`);
  for (const good of ['<img src="data:image/png;base64,AAAA"', 'href="https://ok.example"', 'style="color:red"', '<math display="block"><mfrac><mi>a</mi>', '<td style="text-align:right">1</td>']) assert.ok(out.includes(good), `${good} lost: ${out}`);
});

test('plotly figures are read as JSON from both display modes and the standard MIME type', () => {
  const fig = { data: [{ x: [1, 2], y: [3, 4], name: 'a "quoted" </script> [name]' }], layout: { title: { text: 't' } }, config: { displayModeBar: false } };
  for (const mode of ['notebook', 'page'] as const) {
    const got = plotlyFigureOf(plotlyBundle(fig, { mode }));
    assert.deepEqual(got?.data, fig.data, mode);
    assert.deepEqual(got?.layout, fig.layout, mode);
    assert.equal((got?.config as { displayModeBar?: boolean }).displayModeBar, false, mode);
  }
  assert.deepEqual(plotlyFigureOf({ 'text/plain': 'x', 'application/vnd.plotly.v1+json': fig }), fig);
  assert.equal(plotlyFigureOf({ 'text/plain': 'x', 'text/html': '<b>no plot</b>' }), undefined);
  assert.deepEqual(readJson('x = {"a": "}]", "b": [1, {"c": 2}]};', 4)?.value, { a: '}]', b: [1, { c: 2 }] });
});

test('grading: nbgrader test cells pass when they ran without error, fail on error, "not run" otherwise', () => {
  const g = gradeNotebook(hostileNotebook());
  assert.deepEqual(g.rows.map((r) => [r.id, r.status, r.points, r.codeCell, r.title]), [
    ['check-pass', 'pass', 2, 2, 'a passing check'],
    ['check-fail', 'fail', 3, 3, 'a failing check'],
    ['check-skip', 'not run', 1, 4, 'never ran'],
  ]);
  assert.match(g.rows[1].reason ?? '', /^AssertionError: The expression/);
  assert.equal(g.earned, 2);
  assert.equal(g.total, 6);
  // A notebook saved by another client: judged by execution_count and stderr.
  const nb = newNotebook([{ type: 'code', source: 'x' }, { type: 'code', source: 'y' }]);
  const [a, b] = nb.cells as CodeCell[];
  for (const c of [a, b]) c.metadata = { nbgrader: { grade: true, solution: false, grade_id: `g-${c.id}`, points: 1 } };
  a.execution_count = 1;
  b.execution_count = 2;
  b.outputs = [{ output_type: 'stream', name: 'stderr', text: ['Error: boom\n'] }];
  assert.deepEqual(gradeNotebook(nb).rows.map((r) => r.status), ['pass', 'fail']);
});

test('a page runs only its own nonce-carrying scripts, and has the TOC, grading links, highlighted code and red errors', () => {
  const p = renderPage({ name: 'Hostile.ipynb', nb: hostileNotebook(), provenance: PROV, plotlySource: () => 'window.Plotly={newPlot:function(){}};', highlightCss: '', nonce: 'NONCE', indexHref: 'index.html' });
  const scripts = p.html.match(/<script\b[^>]*>/g) ?? [];
  assert.deepEqual(scripts, ['<script nonce="NONCE">', '<script type="application/json" id="taco-figures">', '<script nonce="NONCE">']);
  assert.ok(!/__pwned\s*=/.test(p.html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '')), 'a hostile assignment reached the page outside data');
  assert.ok(!/onerror|onload|javascript:|https:\/\/example\.com\/(tracker|bg|x)\.png/.test(p.html));
  assert.match(p.html, /Content-Security-Policy" content="default-src 'none'; script-src 'nonce-NONCE'/);
  assert.equal(p.figures, 3);
  assert.equal(p.title, 'Hostile notebook');
  assert.deepEqual(p.toc.map((e) => [e.level, e.id]), [[1, 'Hostile-notebook'], [2, 'Section-two'], [3, 'Plots']]);
  assert.match(p.html, /<h2 id="Section-two">/);
  assert.match(p.html, /<a href="#cell-3">check-fail<\/a>/);
  assert.match(p.html, /<section class="cell code status-error check" id="cell-3">/);
  assert.match(p.html, /<pre class="out-error">AssertionError: The expression/);
  assert.match(p.html, /<pre class="out-stderr">a warning on stderr/);
  assert.match(p.html, /<span class="hljs-comment">\/\/ a passing check<\/span>/);
  assert.match(p.html, /<details class="src" open>/);
  assert.match(p.html, /<img src="data:image\/svg\+xml;base64,/);
  assert.match(p.html, /<img src="data:image\/png;base64,iVBOR[^"]*" width="64"/);
  assert.ok(!p.html.includes('\x1b'), 'ANSI escapes left in the page');
  assert.equal(p.failedCodeCell, 3);
});

test('backend is read from what the notebooks printed', () => {
  const nb = newNotebook([{ type: 'code', source: 'x' }]);
  (nb.cells[0] as CodeCell).outputs = [{ output_type: 'stream', name: 'stdout', text: ['backend: wasm (automatic: tensorflow unavailable)\n  skipped tensorflow: x\n'] }];
  assert.equal(backendFromOutputs([nb]), 'wasm (automatic: tensorflow unavailable)');
  assert.equal(backendFromOutputs([newNotebook([])]), undefined);
  (nb.cells[0] as CodeCell).outputs = [{ output_type: 'execute_result', execution_count: 1, metadata: {}, data: { 'text/plain': "{ name: 'cpu', reason: 'forced by the backend option', tried: [] }" } }];
  assert.equal(backendFromOutputs([nb]), 'cpu (forced by the backend option)');
});

test('--no-execute writes one page per notebook and index.html, only inside --out', async () => {
  const dir = tmpDir();
  try {
    const nbFile = path.join(dir, 'Hostile.ipynb');
    writeNotebookAtomic(nbFile, hostileNotebook());
    const out = path.join(dir, 'out');
    const r = await buildReport({ notebooks: [nbFile], out, execute: false });
    assert.deepEqual(fs.readdirSync(out).sort(), ['Hostile.html', 'index.html']);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['Hostile.ipynb', 'out']);
    assert.equal(r.pages[0].page.figures, 3);
    const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    assert.match(index, /<a href="Hostile.html">Hostile notebook<\/a>/);
    assert.match(index, /<a href="Hostile.html#grading">2 \/ 6<\/a>/);
    assert.ok(!/<script/.test(index));
    // plotly.js inlined exactly once.
    const html = fs.readFileSync(path.join(out, 'Hostile.html'), 'utf8');
    assert.equal(html.split('* plotly.js v').length - 1, 1);
    assert.equal((html.match(/<script nonce=/g) ?? []).length, 2);
    await assert.rejects(buildReport({ notebooks: [nbFile, nbFile], out, execute: false }), /would both become Hostile.html/);
    assert.equal(pageFileName('a/b/Part2_SummaryQuestions.ipynb'), 'Part2_SummaryQuestions.html');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('taco report: a failing cell leaves the previous report in place and the command names the cell', () => {
  const dir = tmpDir();
  try {
    const nbFile = path.join(dir, 'Fails.ipynb');
    writeNotebookAtomic(nbFile, newNotebook([
      { type: 'markdown', source: '# fails' },
      { type: 'code', source: 'console.log("fine")' },
      { type: 'code', source: 'const n: number = 7;\nthrow new Error("report-boom " + n);' },
    ]));
    const out = path.join(dir, 'report');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'index.html'), 'previous report');
    fs.writeFileSync(path.join(out, 'Fails.html'), 'previous page');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'taco.js'), 'report', '--notebooks', nbFile, '--out', out, '--timeout', '60'], { encoding: 'utf8', timeout: 90_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Fails\.ipynb: execution failed at code cell 2 .*the previous report was left in place/);
    assert.match(r.stderr, /report-boom 7/);
    assert.equal(fs.readFileSync(path.join(out, 'index.html'), 'utf8'), 'previous report');
    assert.equal(fs.readFileSync(path.join(out, 'Fails.html'), 'utf8'), 'previous page');
    assert.deepEqual(fs.readdirSync(out).sort(), ['Fails.html', 'index.html']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
