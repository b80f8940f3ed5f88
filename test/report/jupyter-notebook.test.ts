import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installKernelSpec } from '../../src/notebook/runner/kernelspec';
import { chromiumSkipReason, launch, TEST_OUTPUT } from './chromium';
import { freePort, waitForServer } from '../helpers/local-server';

const ROOT = path.resolve(__dirname, '..', '..');

/** Part 2 when it exists (the target), else the smoke notebook; TACO_UI_TEST_NOTEBOOK overrides. */
function target(): string {
  if (process.env.TACO_UI_TEST_NOTEBOOK) return path.resolve(process.env.TACO_UI_TEST_NOTEBOOK);
  const p2 = path.join(ROOT, 'notebooks', 'Part2_SummaryQuestions.ipynb');
  return fs.existsSync(p2) ? p2 : path.join(ROOT, 'notebooks', 'Smoke.ipynb');
}

function jupyterSkipReason(): string | undefined {
  const r = spawnSync('jupyter-notebook', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'jupyter-notebook is missing (apt-get install -y jupyter-notebook): notebook UI test skipped';
}



test('the notebook runs clean in the classic Jupyter Notebook UI (Kernel > Restart & Run All) with math and plots rendered', { timeout: 300_000 }, async (t) => {
  const skip = chromiumSkipReason() ?? jupyterSkipReason();
  if (skip) return t.skip(skip);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-jupyter-'));
  // A copy beside the original, so "../src" imports resolve and the UI's autosave never touches the real file.
  const source = target();
  const copyName = `.taco-uitest-${process.pid}-${path.basename(source)}`;
  const copy = path.join(path.dirname(source), copyName);
  fs.copyFileSync(source, copy);
  installKernelSpec({ name: 'tslab', prefix: tmp });
  const port = await freePort();
  const token = randomBytes(12).toString('hex');
  let log = '';
  const server = spawn('jupyter-notebook', [
    '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', `--NotebookApp.token=${token}`,
    `--NotebookApp.notebook_dir=${ROOT}`, '--ContentsManager.allow_hidden=True', ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ], {
    cwd: ROOT,
    env: { ...process.env, JUPYTER_PATH: path.join(tmp, 'share', 'jupyter'), JUPYTER_CONFIG_DIR: path.join(tmp, 'config'), JUPYTER_RUNTIME_DIR: path.join(tmp, 'runtime'), JUPYTER_DATA_DIR: path.join(tmp, 'data'), IPYTHONDIR: path.join(tmp, 'ipython') },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const browser = await launch([base]);
  try {
    await waitForServer('jupyter-notebook', `${base}/api/kernelspecs?token=${token}`, server, () => log, 60_000);
    const specs = (await (await fetch(`${base}/api/kernelspecs?token=${token}`)).json()) as { kernelspecs: Record<string, unknown> };
    assert.ok(specs.kernelspecs.tslab, `the tslab kernel is not registered: ${Object.keys(specs.kernelspecs)}`);

    const page = await browser.context.newPage();
    const rel = path.relative(ROOT, copy).split(path.sep).map(encodeURIComponent).join('/');
    await page.goto(`${base}/notebooks/${rel}?token=${token}`);
    await page.waitForFunction(() => {
      const J = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
      return Boolean(J?.notebook?.kernel?.is_connected());
    }, undefined, { timeout: 60_000 });
    const codeCells = await page.evaluate(() => {
      const J = (window as unknown as { Jupyter: any }).Jupyter;
      J.notebook.set_autosave_interval(0);
      const w = window as unknown as { __done: number; __replies: string[] };
      w.__done = 0;
      w.__replies = [];
      J.notebook.events.on('finished_execute.CodeCell', () => { w.__done++; });
      return J.notebook.get_cells().filter((c: { cell_type: string }) => c.cell_type === 'code').length as number;
    });
    const t0 = Date.now();
    await page.click('#kernellink');
    await page.click('#restart_run_all');
    await page.click('.modal-dialog button.btn-danger');
    // Done when every code cell finished, or Run All stopped at an error (the UI stops there).
    await page.waitForFunction((n) => {
      const w = window as unknown as { __done: number };
      return w.__done >= n || document.querySelector('.output_stderr, .output_error') !== null;
    }, codeCells, { timeout: 240_000, polling: 500 });
    await page.waitForSelector('.kernel_idle_icon', { timeout: 60_000 });
    await page.evaluate(() => new Promise<void>((resolve) => {
      const MJ = (window as unknown as { MathJax?: { Hub?: { Queue(f: () => void): void } } }).MathJax;
      if (MJ?.Hub) MJ.Hub.Queue(() => resolve());
      else resolve();
    }));
    const seconds = (Date.now() - t0) / 1000;
    const facts = await page.evaluate(() => {
      const J = (window as unknown as { Jupyter: any }).Jupyter;
      const cells = J.notebook.get_cells().filter((c: { cell_type: string }) => c.cell_type === 'code');
      const md = Array.from(document.querySelectorAll('.text_cell_render')).map((e) => (e as HTMLElement).innerText).join('\n');
      const outText = Array.from(document.querySelectorAll('.output_html')).map((e) => (e as HTMLElement).innerText).join('\n');
      const math = Array.from(document.querySelectorAll('.output_html math'));
      const plots = Array.from(document.querySelectorAll('.output_area .taco-plotly'));
      return {
        notRun: cells.filter((c: { input_prompt_number: unknown }) => typeof c.input_prompt_number !== 'number').length,
        errors: Array.from(document.querySelectorAll('.output_stderr, .output_error')).map((e) => (e as HTMLElement).innerText.slice(0, 300)),
        outputMath: math.length,
        outputMathHeight: math.length ? math[0].getBoundingClientRect().height : 0,
        mathJax: document.querySelectorAll('.text_cell_render .MathJax, .text_cell_render .MathJax_Display, .text_cell_render mjx-container, .text_cell_render .MathJax_SVG').length,
        rawTex: ((md + '\n' + outText).match(/\$\$|\\frac/g) ?? []).length,
        plots: plots.length,
        plotsDrawn: plots.filter((p) => p.querySelector('svg.main-svg')).length,
        height: (document.querySelector('#notebook-container') as HTMLElement).scrollHeight + 200,
      };
    });
    t.diagnostic(`${path.basename(source)}: ${codeCells} code cells ran through the UI in ${seconds.toFixed(1)} s; ${facts.outputMath} MathML formulas in outputs, ${facts.mathJax} MathJax formulas in markdown, ${facts.plotsDrawn}/${facts.plots} plots drawn`);
    assert.deepEqual(facts.errors, [], 'error or stderr outputs');
    assert.equal(facts.notRun, 0, 'code cells not executed');
    assert.equal(facts.rawTex, 0, 'raw TeX left in the rendered text');
    assert.ok(facts.plots > 0 && facts.plotsDrawn === facts.plots, `plots drawn ${facts.plotsDrawn}/${facts.plots}`);
    if (path.basename(source).startsWith('Part2')) {
      // Part 2's answers are Markdown cells: MathJax typesets their math (hundreds of formulas), no run needed.
      assert.ok(facts.mathJax > 300, `the answers' math is not rendered (${facts.mathJax} MathJax formulas in markdown)`);
    }
    // #site scrolls inside the page: make the viewport as tall as the notebook for a full screenshot.
    fs.mkdirSync(path.join(TEST_OUTPUT, 'jupyter'), { recursive: true });
    await page.setViewportSize({ width: 1280, height: Math.min(facts.height, 32000) });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'jupyter', `${path.basename(source, '.ipynb')}.png`) });
    // Debian enables the ipywidgets nbextension without shipping its files (404s), and MathJax logs
    // an about:blank font error: the server's own noise, not the notebook's.
    const unexpected = browser.recorder.consoleErrors.filter((e) => !/about:blank|favicon|nbextensions\/|Failed to load resource/i.test(e));
    assert.deepEqual(unexpected, [], 'console errors');
    assert.deepEqual(browser.recorder.pageErrors, [], 'page errors');
    assert.deepEqual(browser.recorder.network, [], 'requests beyond the local notebook server');
  } finally {
    await browser.close();
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    fs.rmSync(copy, { force: true });
    fs.rmSync(path.join(path.dirname(copy), '.ipynb_checkpoints', copyName.replace(/\.ipynb$/, '-checkpoint.ipynb')), { force: true });
    try {
      fs.rmdirSync(path.join(path.dirname(copy), '.ipynb_checkpoints'));
    } catch {
      // not empty (someone else's checkpoints) or never made
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
