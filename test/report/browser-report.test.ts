import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { collectFormulas } from '../../src/notebook/display/math';
import { readNotebook, writeNotebookAtomic } from '../../src/notebook/runner/nbformat';
import { buildReport, ReportPage, ReportResult } from '../../src/report/build';
import { chromiumSkipReason, launch, TEST_OUTPUT } from './chromium';
import { hostileNotebook } from './fixtures';

const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(TEST_OUTPUT, 'report');

/**
 * What the test executes itself: the smoke notebook (seconds). The long notebooks are covered by
 * checking the project's own report/ as `npm start` / `taco report` left it (CI builds it first);
 * TACO_REPORT_TEST_NOTEBOOKS=a.ipynb,b.ipynb executes others here instead.
 */
function notebooks(): string[] {
  const env = process.env.TACO_REPORT_TEST_NOTEBOOKS;
  if (env) return env.split(',').map((s) => path.resolve(s.trim()));
  return [path.join(ROOT, 'notebooks', 'Smoke.ipynb')];
}

/** The report `npm start` built (TACO_REPORT_DIR overrides), read back as a ReportResult. */
function existingReport(): ReportResult | undefined {
  const out = path.resolve(process.env.TACO_REPORT_DIR || path.join(ROOT, 'report'));
  const index = path.join(out, 'index.html');
  if (!fs.existsSync(index)) return undefined;
  const html = fs.readFileSync(index, 'utf8');
  const hrefs = [...new Set([...html.matchAll(/<a href="([^"#]+\.html)"/g)].map((m) => m[1]))];
  const pages = hrefs.map((h) => {
    const file = path.join(out, h);
    const figures = (fs.readFileSync(file, 'utf8').match(/<div class="taco-plot" data-figure=/g) ?? []).length;
    const nb = path.join(ROOT, 'notebooks', h.replace(/\.html$/, '.ipynb'));
    return { notebook: nb, file, bytes: fs.statSync(file).size, page: { figures } as ReportPage['page'] };
  });
  return { out, index, pages, seconds: 0 };
}

function hasMath(file: string): boolean {
  const nb = readNotebook(file);
  return nb.cells.some((c) => c.cell_type === 'markdown' && collectFormulas(Array.isArray(c.source) ? c.source.join('') : c.source).length > 0);
}

test('every report page opens offline in Chromium: no console error, no request, math rendered, plots drawn, links resolve', { timeout: 150_000 }, async (t) => {
  const skip = chromiumSkipReason();
  if (skip) return t.skip(skip);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-report-browser-'));
  const browser = await launch();
  try {
    // The real notebooks, executed; and a hostile saved notebook, rendered as it is.
    const t0 = Date.now();
    const real = await buildReport({ notebooks: notebooks(), out: path.join(dir, 'report'), timeoutS: 120 });
    const buildSeconds = (Date.now() - t0) / 1000;
    const hostileFile = path.join(dir, 'Hostile.ipynb');
    writeNotebookAtomic(hostileFile, hostileNotebook());
    const hostile = await buildReport({ notebooks: [hostileFile], out: path.join(dir, 'hostile'), execute: false });
    t.diagnostic(`report of ${real.pages.length} executed notebooks built in ${buildSeconds.toFixed(1)} s; pages ${real.pages.map((p) => `${path.basename(p.file)} ${(p.bytes / 1e6).toFixed(1)} MB`).join(', ')}`);

    fs.mkdirSync(SHOTS, { recursive: true });
    const page = await browser.context.newPage();
    const check = async (r: ReportResult, label: string): Promise<void> => {
      // index.html: every link is a page of this report, and its anchor exists there.
      await page.goto(pathToFileURL(r.index).href);
      const links = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
      assert.ok(links.length >= r.pages.length, `${label} index: ${links.length} links`);
      for (const href of links) assert.ok(fs.existsSync(path.join(r.out, href.split('#')[0])), `${label} index links to missing ${href}`);
      await page.screenshot({ path: path.join(SHOTS, `${label}-index.png`), fullPage: true });

      for (const p of r.pages) {
        const name = path.basename(p.file, '.html');
        await page.goto(pathToFileURL(p.file).href);
        await page.waitForFunction(() => Array.from(document.querySelectorAll('.taco-plot')).every((el) => el.querySelector('svg.main-svg')), undefined, { timeout: 20_000 });
        const facts = await page.evaluate(() => {
          const text = Array.from(document.querySelectorAll('.cell.markdown, .outputs .out-html, .outputs .out-md, nav.toc')).map((e) => (e as HTMLElement).innerText).join('\n');
          const math = Array.from(document.querySelectorAll('.katex math'));
          const plots = Array.from(document.querySelectorAll('.taco-plot'));
          const anchors = Array.from(document.querySelectorAll('a[href^="#"]')).map((a) => a.getAttribute('href') ?? '');
          return {
            rawTex: (text.match(/\$\$|\\frac|\\sum|\\mathcal/g) ?? []).slice(0, 5),
            math: math.length,
            mathHeight: math.length ? (math[0] as Element).getBoundingClientRect().height : 0,
            plots: plots.length,
            plotsWithSvg: plots.filter((el) => el.querySelectorAll('svg.main-svg').length > 0 && el.querySelector('.plot-fallback') === null).length,
            // heatmaps (the confusion matrices) draw an image per trace in the heatmap layer, not a .trace group
            traces: plots.map((el) => el.querySelectorAll('.scatterlayer .trace, .barlayer .trace, .heatmaplayer .hm').length),
            unresolved: anchors.filter((h) => !document.getElementById(decodeURIComponent(h.slice(1)))),
            anchors: anchors.length,
            pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
            codeBlocks: document.querySelectorAll('details.src pre code.hljs').length,
            highlighted: document.querySelectorAll('details.src .hljs-keyword, details.src .hljs-comment, details.src .hljs-string').length,
            errorColor: (() => { const e = document.querySelector('pre.out-error, pre.out-stderr'); return e ? getComputedStyle(e).color : null; })(),
            height: document.documentElement.scrollHeight,
          };
        });
        assert.deepEqual(facts.rawTex, [], `${name}: raw TeX left in the text`);
        assert.equal(facts.pwned, null, `${name}: a script from the notebook ran`);
        assert.deepEqual(facts.unresolved, [], `${name}: anchors that resolve nowhere`);
        assert.ok(facts.anchors > 0, `${name}: no in-page links (TOC)`);
        assert.equal(facts.plotsWithSvg, facts.plots, `${name}: ${facts.plots - facts.plotsWithSvg} figures not drawn`);
        assert.ok(facts.traces.every((n) => n > 0), `${name}: a figure drew no trace (${facts.traces})`);
        assert.ok(facts.codeBlocks > 0 && facts.highlighted > 0, `${name}: code is not highlighted`);
        assert.equal(p.page.figures, facts.plots);
        if (label === 'hostile' || (fs.existsSync(p.notebook) && hasMath(p.notebook))) {
          assert.ok(facts.math > 0, `${name}: no MathML`);
          assert.ok(facts.mathHeight > 5, `${name}: math has no height (${facts.mathHeight})`);
        }
        if (facts.errorColor) assert.equal(facts.errorColor, 'rgb(180, 35, 24)', `${name}: errors are not red`);
        // The first TOC link scrolls to its heading.
        const first = await page.$('nav.toc a[href^="#"]');
        if (first) {
          const href = await first.getAttribute('href');
          await first.click();
          assert.equal(await page.evaluate(() => location.hash), href);
        }
        await page.evaluate(() => window.scrollTo(0, 0));
        t.diagnostic(`${label}/${name}: ${facts.math} formulas, ${facts.plots} figures, ${facts.anchors} links, ${facts.height}px tall`);
        await page.screenshot({ path: path.join(SHOTS, `${label}-${name}.png`), fullPage: true });
      }
    };
    await check(real, 'report');
    await check(hostile, 'hostile');
    const built = existingReport();
    if (built) await check(built, 'project');
    else t.diagnostic('no report/index.html in the project (npm start builds it): only the fresh smoke and hostile reports were checked');
    assert.deepEqual(browser.recorder.network, [], 'requests to the network');
    assert.deepEqual(browser.recorder.consoleErrors, [], 'console errors');
    assert.deepEqual(browser.recorder.pageErrors, [], 'page errors');
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
