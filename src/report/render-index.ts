import { escapeHtml } from '../notebook/display/escape';
import { PAGE_CSS } from './page-css';
import type { PageResult, Provenance } from './render-page';

export interface IndexEntry {
  href: string;
  name: string;
  page: PageResult;
}

/** index.html: one row per notebook page, and the provenance they share. No script at all. */
export function renderIndex(entries: IndexEntry[], prov: Provenance): string {
  const rows = entries
    .map((e) => {
      const p = e.page;
      const state = p.failedCodeCell !== null ? `<span class="fail">failed at cell ${p.failedCodeCell}</span>` : `<span class="pass">ok</span>`;
      const grade = p.grading.rows.length ? `<a href="${escapeHtml(e.href)}#grading">${p.grading.earned} / ${p.grading.total}</a>` : '—';
      const secs = p.totalSeconds !== null ? `${p.totalSeconds.toFixed(1)} s` : '—';
      return `<tr><td><a href="${escapeHtml(e.href)}">${escapeHtml(p.title)}</a><br><small>${escapeHtml(e.name)}</small></td><td style="text-align:right">${p.codeCells}</td><td style="text-align:right">${secs}</td><td>${state}</td><td style="text-align:right">${grade}</td></tr>`;
    })
    .join('');
  const toc = entries.map((e) => `<li class="l1"><a href="${escapeHtml(e.href)}">${escapeHtml(e.page.title)}</a></li>`).join('');
  const versions = Object.entries(prov.versions).map(([k, v]) => `${escapeHtml(k)} ${escapeHtml(v)}`).join(' · ');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>taco-companion report</title><style>${PAGE_CSS}</style></head>\n` +
    `<body><div class="layout"><nav class="toc" id="toc"><b>Notebooks</b><ol>${toc}</ol></nav><main>` +
    `<header class="report" id="top"><h1>taco-companion report</h1><table class="meta">` +
    `<tr><th>built</th><td>${escapeHtml(prov.date)}</td></tr><tr><th>git commit</th><td><code>${escapeHtml(prov.commit)}</code></td></tr>` +
    `<tr><th>backend</th><td>${escapeHtml(prov.backend)}</td></tr><tr><th>packages</th><td>${versions}</td></tr></table></header>` +
    `<table class="grid"><thead><tr><th>notebook</th><th>code cells</th><th>run time</th><th>status</th><th>grading</th></tr></thead><tbody>${rows}</tbody></table>` +
    `<p><small>Each page is one self-contained HTML file: it loads nothing from the network and runs no script from the notebook's cells.</small></p>` +
    `</main></div></body></html>\n`
  );
}
