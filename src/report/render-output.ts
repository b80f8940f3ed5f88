import type { PlotlyFigure } from '../notebook/display/plotly';
import { markdownToHtml, renderTex } from '../notebook/display/math';
import { escapeHtml } from '../notebook/display/escape';
import type { Output } from '../notebook/runner/nbformat';
import { plotlyFigureOf } from './plotly-figure';
import { sanitizeFragment } from './sanitize';

/** What the page collects while rendering outputs: Plotly figures are drawn by the page's own script. */
export interface RenderContext {
  figures: PlotlyFigure[];
}

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

function str(v: unknown): string {
  return Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

function imageWidth(metadata: Record<string, unknown>, mime: string): string {
  const m = metadata[mime] as { width?: unknown } | undefined;
  return m && typeof m.width === 'number' && m.width > 0 ? ` width="${Math.round(m.width)}"` : '';
}

const B64 = /^[A-Za-z0-9+/=\s]*$/;

/** One MIME bundle as HTML: the richest type the report can show safely. */
export function renderBundle(data: Record<string, unknown>, metadata: Record<string, unknown>, ctx: RenderContext): string {
  const fig = plotlyFigureOf(data);
  if (fig) {
    const n = ctx.figures.push(fig) - 1;
    const summary = typeof data['text/plain'] === 'string' || Array.isArray(data['text/plain']) ? str(data['text/plain']) : 'Plotly figure';
    const h = typeof fig.layout?.height === 'number' ? `${Math.round(fig.layout.height)}px` : '420px';
    return `<div class="taco-plot" data-figure="${n}" style="min-height:${h}"><pre class="plot-fallback">${escapeHtml(summary)}</pre></div>`;
  }
  if (data['text/html'] !== undefined) return `<div class="out-html">${sanitizeFragment(str(data['text/html']))}</div>`;
  const alt = data['text/plain'] !== undefined ? escapeHtml(str(data['text/plain']).slice(0, 200)) : '';
  // SVG as an <img>: a browser never runs scripts or loads resources inside an image.
  if (data['image/svg+xml'] !== undefined) {
    const svg = Buffer.from(str(data['image/svg+xml']), 'utf8').toString('base64');
    return `<div class="out-image"><img src="data:image/svg+xml;base64,${svg}"${imageWidth(metadata, 'image/svg+xml')} alt="${alt}"></div>`;
  }
  for (const mime of ['image/png', 'image/jpeg', 'image/gif', 'image/webp']) {
    const v = data[mime];
    if (v === undefined) continue;
    const b64 = str(v).replace(/\s+/g, '');
    if (!B64.test(b64)) continue;
    return `<div class="out-image"><img src="data:${mime};base64,${b64}"${imageWidth(metadata, mime)} alt="${alt}"></div>`;
  }
  if (data['text/markdown'] !== undefined) return `<div class="out-md">${sanitizeFragment(markdownToHtml(str(data['text/markdown'])))}</div>`;
  if (data['text/latex'] !== undefined) {
    const tex = str(data['text/latex']).trim().replace(/^\$\$?|\$\$?$/g, '');
    return `<div class="out-md">${sanitizeFragment(renderTex(tex, true))}</div>`;
  }
  if (data['application/json'] !== undefined) return `<pre class="out-text">${escapeHtml(str(data['application/json']))}</pre>`;
  if (data['text/plain'] !== undefined) return `<pre class="out-text">${escapeHtml(stripAnsi(str(data['text/plain'])))}</pre>`;
  return `<pre class="out-text">[output of type ${escapeHtml(Object.keys(data).join(', '))} not shown]</pre>`;
}

export function renderOutput(o: Output, ctx: RenderContext): string {
  switch (o.output_type) {
    case 'stream': {
      const t = escapeHtml(stripAnsi(str(o.text)));
      return o.name === 'stderr' ? `<pre class="out-stderr">${t}</pre>` : `<pre class="out-text">${t}</pre>`;
    }
    case 'error': {
      const tb = o.traceback.length ? o.traceback.map(stripAnsi).join('\n') : `${o.ename}: ${o.evalue}`;
      return `<pre class="out-error">${escapeHtml(tb)}</pre>`;
    }
    case 'display_data':
    case 'execute_result':
      return renderBundle(o.data, o.metadata ?? {}, ctx);
    default:
      return '';
  }
}
