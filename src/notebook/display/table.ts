import type { MimeBundle } from './bundle';
import { escapeHtml } from './escape';

export interface TableOptions {
  /** Column order (objects) or header names (arrays). Default: keys in first-seen order. */
  columns?: string[];
  caption?: string;
  /** Decimal places for non-integer numbers. Default 4. */
  digits?: number;
}

type Row = Record<string, unknown> | unknown[];

function cellText(v: unknown, digits: number): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : v.toFixed(digits);
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Header and string cells from objects (union of keys) or arrays. */
export function tableCells(rows: Row[], opts: TableOptions = {}): { header: string[]; cells: string[][]; numeric: boolean[] } {
  const digits = opts.digits ?? 4;
  let header: string[];
  let values: unknown[][];
  if (rows.every((r) => Array.isArray(r))) {
    const width = Math.max(0, ...rows.map((r) => (r as unknown[]).length));
    header = opts.columns ?? Array.from({ length: width }, (_, i) => String(i));
    values = rows.map((r) => header.map((_, i) => (r as unknown[])[i]));
  } else {
    const keys: string[] = [];
    for (const r of rows) if (!Array.isArray(r)) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
    header = opts.columns ?? keys;
    values = rows.map((r) => header.map((k) => (Array.isArray(r) ? undefined : r[k])));
  }
  const numeric = header.map((_, j) => values.length > 0 && values.every((r) => r[j] === undefined || r[j] === null || typeof r[j] === 'number'));
  return { header, cells: values.map((r) => r.map((v) => cellText(v, digits))), numeric };
}

/** A table as HTML (escaped; numbers right-aligned) and as aligned plain text. */
export function tableBundle(rows: Row[], opts: TableOptions = {}): MimeBundle {
  const { header, cells, numeric } = tableCells(rows, opts);
  const align = (j: number): string => (numeric[j] ? ' style="text-align:right"' : '');
  const html =
    `<table class="taco-table">` +
    (opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '') +
    `<thead><tr>${header.map((h, j) => `<th${align(j)}>${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${cells.map((r) => `<tr>${r.map((c, j) => `<td${align(j)}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  const widths = header.map((h, j) => Math.max(h.length, ...cells.map((r) => r[j].length)));
  const pad = (s: string, j: number): string => (numeric[j] ? s.padStart(widths[j]) : s.padEnd(widths[j]));
  const line = (r: string[]): string => r.map(pad).join('  ').trimEnd();
  const text = [
    ...(opts.caption ? [opts.caption] : []),
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
  ].join('\n');
  return { 'text/plain': text, 'text/html': html };
}
