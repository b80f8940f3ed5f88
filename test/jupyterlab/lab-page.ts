/**
 * The JupyterLab page as the UI test reads it: wait for Run All to finish, record the progress bars as they
 * update, collect what is on the page (errors, math, figures, images), and screenshot the whole notebook.
 */
import type { Page } from 'playwright-core';

/** The page-side view of the open notebook, through the app that the page config exposes (exposeAppInBrowser). */
export interface LabWindow {
  jupyterapp?: {
    shell: {
      currentWidget: null | {
        node: HTMLElement;
        content?: { widgets: readonly { model: { type: string; value: { text: string }; executionCount?: number | null } }[] };
        sessionContext?: { session?: { kernel?: { status: string; name: string } | null } | null; shutdown(): Promise<void> };
      };
    };
  };
  MathJax?: { Hub?: { Queue(f: () => void): void } };
  __tacoBars?: Record<string, string[]>;
}

/** What was on the page once Run All finished: counts and texts the assertions read. */
export interface Facts {
  codeCells: number;
  counts: (number | null)[];
  errors: string[];
  markdownMath: number;
  mathErrors: number;
  rawTex: string[];
  mathml: number;
  mathmlFlat: number;
  plots: number;
  plotsDrawn: number;
  plotsLeftAsText: number;
  images: number;
  imagesShown: number;
  bars: { key: string; value: number; max: number; text: string }[];
  progressLines: string[];
}

/** Every non-empty code cell has run in the fresh kernel (counts 1..n) and the kernel is idle, or an error/stderr output stopped the run. */
export async function waitForRunAll(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as unknown as LabWindow;
    const nb = w.jupyterapp?.shell.currentWidget;
    const kernel = nb?.sessionContext?.session?.kernel;
    if (!nb?.content || !kernel || kernel.status !== 'idle') return false;
    const code = nb.content.widgets.filter((c) => c.model.type === 'code' && c.model.value.text.trim() !== '');
    const counts = code.map((c) => c.model.executionCount ?? 0).sort((a, b) => a - b);
    const fresh = counts.every((n, i) => n === i + 1);
    const failed = document.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]') !== null;
    const busy = Array.from(document.querySelectorAll('.jp-InputPrompt')).some((p) => (p.textContent ?? '').includes('*'));
    return !busy && (fresh || failed);
  }, undefined, { timeout: timeoutMs, polling: 500 });
}

/** Records every progress bar state that reaches the page, keyed by cell and label, before Run All starts. */
export async function watchProgressBars(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as LabWindow;
    w.__tacoBars = {};
    const seen = (root: Element): void => {
      const bars = root.matches('.taco-progress') ? [root] : Array.from(root.querySelectorAll('.taco-progress'));
      for (const bar of bars) {
        const cell = bar.closest('.jp-Cell');
        const index = cell ? Array.from(cell.parentElement?.children ?? []).indexOf(cell) : -1;
        const label = bar.querySelector('span')?.textContent ?? '';
        const p = bar.querySelector('progress');
        const key = `cell ${index} ${label}`;
        (w.__tacoBars![key] ??= []).push(`${p?.getAttribute('value')}/${p?.getAttribute('max')}`);
      }
    };
    new MutationObserver((records) => {
      for (const r of records) r.addedNodes.forEach((n) => { if (n instanceof Element) seen(n); });
    }).observe(document.body, { childList: true, subtree: true });
  });
}

export async function collectFacts(page: Page): Promise<Facts> {
  return page.evaluate(() => {
    const w = window as unknown as LabWindow;
    const nb = w.jupyterapp!.shell.currentWidget!;
    const root = nb.node;
    const code = nb.content!.widgets.filter((c) => c.model.type === 'code' && c.model.value.text.trim() !== '');
    // Visible text outside code, scripts and MathML annotations: where raw TeX would show if math were not rendered.
    const visibleText = (root: Element): string => {
      const out: string[] = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.parentElement?.closest('pre, code, script, style, annotation, annotation-xml, .CodeMirror')) out.push(n.textContent ?? '');
      }
      return out.join('');
    };
    const rendered = [...Array.from(root.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')), ...Array.from(root.querySelectorAll('.jp-OutputArea-output'))];
    const rawTex = rendered
      .map((e) => visibleText(e).match(/\$\$|\\(frac|sum|mathrm|mathbf|left|right|begin|cdot|sqrt)\b/g) ?? [])
      .flat();
    const math = Array.from(root.querySelectorAll('.jp-OutputArea-output math'));
    const plots = Array.from(root.querySelectorAll('.jp-OutputArea-output .taco-plotly'));
    const images = Array.from(root.querySelectorAll('.jp-OutputArea-output img')) as HTMLImageElement[];
    const bars = Array.from(root.querySelectorAll('.jp-OutputArea-output .taco-progress')).map((bar) => {
      const cell = bar.closest('.jp-Cell');
      const index = cell ? Array.from(cell.parentElement?.children ?? []).indexOf(cell) : -1;
      const p = bar.querySelector('progress');
      return { key: `cell ${index} ${bar.querySelector('span')?.textContent ?? ''}`, value: Number(p?.getAttribute('value')), max: Number(p?.getAttribute('max')), text: (bar as HTMLElement).innerText };
    });
    const streams = Array.from(root.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]')).map((e) => (e as HTMLElement).innerText);
    return {
      codeCells: code.length,
      counts: code.map((c) => c.model.executionCount ?? null),
      errors: Array.from(root.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')).map((e) => (e as HTMLElement).innerText.slice(0, 400)),
      markdownMath: root.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown .MathJax, .jp-MarkdownCell .jp-RenderedMarkdown .MathJax_Display').length,
      mathErrors: root.querySelectorAll('.MathJax_Error, .MathJax .merror, math merror').length,
      rawTex,
      mathml: math.length,
      mathmlFlat: math.filter((m) => m.getBoundingClientRect().height < 5 || !getComputedStyle(m).display.includes('math')).length,
      plots: plots.length,
      plotsDrawn: plots.filter((p) => p.querySelector('svg.main-svg') !== null).length,
      plotsLeftAsText: plots.filter((p) => p.querySelector('.taco-plotly-fallback') !== null).length,
      images: images.length,
      imagesShown: images.filter((i) => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 0).length,
      bars,
      progressLines: streams.filter((s) => /\[[#-]{8,}\] \d+\/\d+/.test(s)),
    };
  });
}

/** JupyterLab's notebook scrolls inside its panel: make the viewport as tall as the notebook for a whole-notebook screenshot. */
export async function screenshotWhole(page: Page, file: string): Promise<void> {
  // Up to the last cell's bottom: the notebook's own padding lets the last cell scroll to the top.
  const extra = await page.evaluate(() => {
    const scroller = document.querySelector('.jp-NotebookPanel-notebook') as HTMLElement;
    const cells = scroller.querySelectorAll('.jp-Cell');
    const last = cells[cells.length - 1]?.getBoundingClientRect().bottom ?? 0;
    const content = last - scroller.getBoundingClientRect().top + scroller.scrollTop + 40;
    return Math.max(0, Math.ceil(content - scroller.clientHeight));
  });
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height: Math.min(size.height + extra, 30000) });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: file });
  await page.setViewportSize(size);
}
