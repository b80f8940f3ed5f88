import type { PlotlyFigure } from '../notebook/display/plotly';

/**
 * Finds the figure inside a Plotly output so the report can draw it with its own script (outputs'
 * scripts never run in the report). Sources, in order: the standard
 * `application/vnd.plotly.v1+json` MIME type, then the HTML that display/plotly.ts writes in either
 * mode ('notebook': `var fig = {...};`, 'page': `Plotly.newPlot(el, data, layout, config)`).
 * The figure is only ever read as JSON, never evaluated.
 */
export function plotlyFigureOf(bundle: Record<string, unknown>): PlotlyFigure | undefined {
  const std = bundle['application/vnd.plotly.v1+json'];
  if (isFigure(std)) return std;
  const htmlRaw = bundle['text/html'];
  const html = Array.isArray(htmlRaw) ? htmlRaw.join('') : htmlRaw;
  if (typeof html !== 'string' || !/class="taco-plotly"/.test(html)) return undefined;
  const nb = html.indexOf('var fig = ');
  if (nb >= 0) {
    const v = readJson(html, nb + 'var fig = '.length);
    if (v && isFigure(v.value)) return v.value;
  }
  const pg = html.indexOf('Plotly.newPlot(el, ');
  if (pg >= 0) {
    const data = readJson(html, pg + 'Plotly.newPlot(el, '.length);
    const layout = data && readJson(html, skipComma(html, data.end));
    const config = layout && readJson(html, skipComma(html, layout.end));
    if (data && Array.isArray(data.value)) {
      return { data: data.value as Record<string, unknown>[], layout: obj(layout?.value), config: obj(config?.value) };
    }
  }
  return undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function isFigure(v: unknown): v is PlotlyFigure {
  return typeof v === 'object' && v !== null && Array.isArray((v as { data?: unknown }).data);
}

function skipComma(s: string, i: number): number {
  let j = i;
  while (j < s.length && /[\s,]/.test(s[j])) j++;
  return j;
}

/** Parses the JSON value (object or array) that starts at `start`; strings may hold brackets. */
export function readJson(s: string, start: number): { value: unknown; end: number } | undefined {
  const open = s[start];
  if (open !== '{' && open !== '[') return undefined;
  let depth = 0;
  let inStr = false;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        try {
          return { value: JSON.parse(s.slice(start, i + 1)), end: i + 1 };
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}
