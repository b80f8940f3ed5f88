import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MimeBundle } from './bundle';
import { escapeHtml, jsonForScript } from './escape';

/**
 * Plotly figures as a MIME bundle that renders in JupyterLab (no extension), the classic notebook and
 * exported HTML, without embedding the 10 MB plotly.js in each output:
 * - 'notebook' mode (default): the HTML output holds a div and a small script that loads plotly.js once
 *   per page, trying in order (a) the notebook server's /files/ URL of node_modules/plotly.js-dist,
 *   computed from the page's notebook path, (b) /files/node_modules/... for a server started at the
 *   project root, (c) the same path relative to the saved notebook (an exported HTML beside it).
 * - 'page' mode: the page already has window.Plotly (the HTML report inlines plotlyScriptSource()
 *   once per page); outputs only call Plotly.newPlot.
 * Untrusted notebooks drop <script>s: the div then shows the text summary that is also the text/plain.
 */
export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export type PlotlyMode = 'notebook' | 'page';

let mode: PlotlyMode = 'notebook';
let counter = 0;

/** The report sets 'page' while it renders, then restores. */
export function setPlotlyMode(m: PlotlyMode): PlotlyMode {
  const prev = mode;
  mode = m;
  return prev;
}

/** Absolute path of plotly.js in this project. */
export function plotlyFile(): string {
  return path.join(path.dirname(require.resolve('plotly.js-dist/package.json')), 'plotly.js');
}

/** plotly.js's source, to inline once in a self-contained HTML page. */
export function plotlyScriptSource(): string {
  return fs.readFileSync(plotlyFile(), 'utf8');
}

/** Path from the folder of the notebook as saved (the runner's TACO_NOTEBOOK_DIR, else the kernel's cwd) to plotly.js, with '/'. */
export function plotlyRelativeUrl(notebookDir = process.env.TACO_NOTEBOOK_DIR || process.cwd()): string {
  return path.relative(notebookDir, plotlyFile()).split(path.sep).join('/');
}

/** The project root as seen from a server started there: node_modules/plotly.js-dist/plotly.js. */
function plotlyRootUrl(): string {
  const root = path.resolve(__dirname, '..', '..', '..');
  return path.relative(root, plotlyFile()).split(path.sep).join('/');
}

/** A readable one-paragraph description of a figure (the text/plain fallback). */
export function plotlySummary(fig: PlotlyFigure): string {
  const title = fig.layout?.title;
  const titleText = typeof title === 'string' ? title : typeof title === 'object' && title && typeof (title as { text?: unknown }).text === 'string' ? (title as { text: string }).text : '';
  const lines = [`Plotly figure${titleText ? `: ${titleText}` : ''} (${fig.data.length} trace${fig.data.length === 1 ? '' : 's'})`];
  for (const [i, t] of fig.data.entries()) {
    const type = typeof t.type === 'string' ? t.type : 'scatter';
    const name = typeof t.name === 'string' ? t.name : `trace ${i}`;
    const parts = [`- ${name} (${type}`];
    for (const axis of ['x', 'y', 'z'] as const) {
      const v = t[axis];
      if (!Array.isArray(v) || v.length === 0) continue;
      const nums = v.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
      if (nums.length === v.length) {
        let lo = Infinity;
        let hi = -Infinity;
        for (const x of nums) { if (x < lo) lo = x; if (x > hi) hi = x; }
        parts.push(`, ${axis}: ${v.length} values in [${fmt(lo)}, ${fmt(hi)}]`);
      } else parts.push(`, ${axis}: ${v.length} values`);
    }
    lines.push(`${parts.join('')})`);
  }
  return lines.join('\n');
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : String(Math.round(x * 1e4) / 1e4);
}

/** The browser side: load plotly.js once per page from the first candidate URL that works, then plot. */
function loaderScript(id: string, fig: PlotlyFigure, rel: string, rootRel: string): string {
  return `(function () {
  var el = document.getElementById(${jsonForScript(id)});
  var fig = ${jsonForScript({ data: fig.data, layout: fig.layout ?? {}, config: { responsive: true, ...(fig.config ?? {}) } })};
  function plot() { el.innerHTML = ''; window.Plotly.newPlot(el, fig.data, fig.layout, fig.config); }
  if (window.Plotly) { plot(); return; }
  if (window.__tacoPlotlyQueue) { window.__tacoPlotlyQueue.push(plot); return; }
  var queue = window.__tacoPlotlyQueue = [plot];
  function norm(p) { var out = []; p.split('/').forEach(function (s, i) { if (s === '..') { if (out.length > 1) out.pop(); } else if (s !== '.' && (s !== '' || i === 0)) out.push(s); }); return out.join('/'); }
  var base = '/';
  try {
    var cfg = document.getElementById('jupyter-config-data');
    if (cfg) base = JSON.parse(cfg.textContent).baseUrl || base;
    else if (document.body && document.body.getAttribute('data-base-url')) base = document.body.getAttribute('data-base-url');
  } catch (e) {}
  if (base.charAt(base.length - 1) !== '/') base += '/';
  var nb = document.body && document.body.getAttribute('data-notebook-path');
  if (!nb) { var m = decodeURIComponent(location.pathname).match(/\\/(?:lab\\/(?:workspaces\\/[^/]+\\/)?tree|notebooks|doc\\/tree|tree)\\/(.+)$/); if (m) nb = m[1]; }
  var urls = [];
  if (location.protocol.indexOf('http') === 0) {
    if (nb) urls.push(norm(base + 'files/' + nb.replace(/[^/]*$/, '') + ${jsonForScript(rel)}));
    urls.push(base + 'files/' + ${jsonForScript(rootRel)});
  }
  urls.push(${jsonForScript(rel)});
  function next(i) {
    if (i >= urls.length) { queue.forEach(function () {}); el.insertAdjacentHTML('afterbegin', '<p><em>plotly.js could not be loaded; tried ' + urls.join(', ') + '</em></p>'); return; }
    var s = document.createElement('script');
    s.src = urls[i];
    s.onload = function () { if (window.Plotly) { window.__tacoPlotlyQueue = null; queue.forEach(function (f) { f(); }); } else next(i + 1); };
    s.onerror = function () { s.parentNode && s.parentNode.removeChild(s); next(i + 1); };
    document.head.appendChild(s);
  }
  next(0);
})();`;
}

export interface PlotlyBundleOptions {
  /** Overrides the module-wide mode for this figure. */
  mode?: PlotlyMode;
  /** CSS height of the plot div. Default 420px (or the layout's height). */
  height?: string;
}

/** The figure as { text/html (div + script, with the summary inside as untrusted fallback), text/plain }. */
export function plotlyBundle(fig: PlotlyFigure, opts: PlotlyBundleOptions = {}): MimeBundle {
  const m = opts.mode ?? mode;
  const id = `taco-plotly-${process.pid.toString(36)}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  const summary = plotlySummary(fig);
  const h = opts.height ?? (typeof fig.layout?.height === 'number' ? `${fig.layout.height}px` : '420px');
  const script =
    m === 'page'
      ? `(function () { var el = document.getElementById(${jsonForScript(id)}); el.innerHTML = ''; window.Plotly.newPlot(el, ${jsonForScript(fig.data)}, ${jsonForScript(fig.layout ?? {})}, ${jsonForScript({ responsive: true, ...(fig.config ?? {}) })}); })();`
      : loaderScript(id, fig, plotlyRelativeUrl(), plotlyRootUrl());
  const html = `<div id="${id}" class="taco-plotly" style="width:100%;min-height:${escapeHtml(h)}"><pre class="taco-plotly-fallback">${escapeHtml(summary)}</pre></div>\n<script type="text/javascript">\n${script}\n</script>`;
  return { 'text/plain': summary, 'text/html': html };
}
