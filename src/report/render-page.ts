import { markdownToHtml, pageMacros } from '../notebook/display/math';
import { escapeHtml, jsonForScript } from '../notebook/display/escape';
import type { Cell, CodeCell, MimeBundle, Notebook } from '../notebook/runner/nbformat';
import { gradeNotebook, GradeSummary } from './grading';
import { highlightCode } from './highlight';
import { PAGE_CSS } from './page-css';
import { RenderContext, renderOutput } from './render-output';
import { sanitizeFragment } from './sanitize';

/** Where and how the notebooks were run: the page header. */
export interface Provenance {
  /** ISO time the report was built. */
  date: string;
  commit: string;
  backend: string;
  versions: Record<string, string>;
}

export interface PageInput {
  /** File name shown and used for links (e.g. Part2_SummaryQuestions.ipynb). */
  name: string;
  nb: Notebook;
  provenance: Provenance;
  /** Inline source of plotly.js (read only when a page has figures). */
  plotlySource: () => string;
  /** Inline CSS of the highlight.js theme. */
  highlightCss: string;
  /** A random nonce: the only scripts that run are the ones carrying it. */
  nonce: string;
  /** Link back to the index page; omitted for a lone page. */
  indexHref?: string;
}

export interface TocEntry {
  level: number;
  id: string;
  html: string;
}

export interface PageResult {
  html: string;
  title: string;
  toc: TocEntry[];
  grading: GradeSummary;
  figures: number;
  codeCells: number;
  failedCodeCell: number | null;
  totalSeconds: number | null;
}

function text(s: string | string[]): string {
  return Array.isArray(s) ? s.join('') : s;
}

/** Heading ids as Jupyter makes them (text, spaces to '-') made safe for URLs; unique per page. */
export function slugify(s: string, used: Set<string>): string {
  const base = s.trim().replace(/\s+/g, '-').replace(/[^\p{L}\p{N}_-]+/gu, '').replace(/-+/g, '-').replace(/^-|-$/g, '') || 'section';
  let id = base;
  for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
  used.add(id);
  return id;
}

/** Visible text of an HTML fragment (MathML's TeX annotation is not visible). */
export function visibleText(html: string): string {
  return html
    .replace(/<annotation[\s\S]*?<\/annotation>/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** `attachment:` image links of a markdown cell as data: URLs (the sanitizer drops any other scheme). */
function inlineAttachments(html: string, attachments: Record<string, MimeBundle> | undefined): string {
  if (!attachments) return html;
  return html.replace(/src="attachment:([^"]+)"/g, (m, name: string) => {
    const bundle = attachments[decodeURIComponent(name)];
    if (!bundle) return m;
    const mime = Object.keys(bundle).find((k) => k.startsWith('image/'));
    if (!mime) return m;
    const v = bundle[mime];
    const b64 = mime === 'image/svg+xml' ? Buffer.from(text(v as string | string[]), 'utf8').toString('base64') : text(v as string | string[]).replace(/\s+/g, '');
    return `src="data:${mime};base64,${b64}"`;
  });
}

/** Adds ids to headings and collects h1-h3 for the table of contents. */
function anchorHeadings(html: string, used: Set<string>, toc: TocEntry[]): string {
  return html.replace(/<h([1-6])((?:\s[^>]*)?)>([\s\S]*?)<\/h\1>/g, (_m, lv: string, attrs: string, inner: string) => {
    const id = slugify(visibleText(inner), used);
    const level = Number(lv);
    if (level <= 3) toc.push({ level, id, html: inner.replace(/<\/?a\b[^>]*>/g, '') });
    return `<h${lv}${attrs} id="${id}">${inner}</h${lv}>`;
  });
}

function fmtSeconds(s: number): string {
  return s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

function cellTaco(cell: CodeCell): { duration_s?: number; status?: string } {
  const t = cell.metadata.taco as { duration_s?: unknown; status?: unknown } | undefined;
  return {
    duration_s: typeof t?.duration_s === 'number' ? t.duration_s : undefined,
    status: typeof t?.status === 'string' ? t.status : undefined,
  };
}

function gradingTable(g: GradeSummary): string {
  if (!g.rows.length) return '';
  const rows = g.rows
    .map((r) => {
      const cls = r.status === 'pass' ? 'pass' : r.status === 'fail' ? 'fail' : 'notrun';
      return `<tr><td><a href="#cell-${r.codeCell}">${escapeHtml(r.id)}</a></td><td>${r.title ? escapeHtml(r.title) : '—'}</td><td style="text-align:right">${r.points}</td><td class="${cls}">${r.status}${r.reason ? `: ${escapeHtml(r.reason)}` : ''}</td></tr>`;
    })
    .join('');
  return `<section class="grading" id="grading"><h2>Grading</h2><table class="grid"><thead><tr><th>check</th><th>what it checks</th><th>points</th><th>result</th></tr></thead><tbody>${rows}</tbody><tfoot><tr><th colspan="2">total</th><th style="text-align:right">${g.earned} / ${g.total}</th><th>${g.rows.filter((r) => r.status === 'pass').length} of ${g.rows.length} checks pass</th></tr></tfoot></table></section>`;
}

/** The page's one script: draws the figures (data read as JSON, never evaluated) and folds code. */
const PAGE_SCRIPT = `(function () {
  var figs = JSON.parse(document.getElementById('taco-figures').textContent);
  var els = document.querySelectorAll('.taco-plot[data-figure]');
  for (var i = 0; i < els.length; i++) {
    var el = els[i], f = figs[Number(el.getAttribute('data-figure'))];
    if (!f || !window.Plotly) continue;
    el.innerHTML = '';
    var cfg = Object.assign({ responsive: true, displaylogo: false }, f.config || {});
    window.Plotly.newPlot(el, f.data, f.layout || {}, cfg);
  }
  function fold(open) { var d = document.querySelectorAll('details.src'); for (var i = 0; i < d.length; i++) d[i].open = open; }
  var b1 = document.getElementById('fold-all'), b2 = document.getElementById('unfold-all');
  if (b1) b1.addEventListener('click', function () { fold(false); });
  if (b2) b2.addEventListener('click', function () { fold(true); });
})();`;

/** Renders an executed notebook as one self-contained HTML page. */
export function renderPage(input: PageInput): PageResult {
  const { nb, provenance: prov } = input;
  const ctx: RenderContext = { figures: [] };
  const used = new Set<string>(['toc', 'grading', 'cells', 'top', 'fold-all', 'unfold-all', 'taco-figures']);
  const toc: TocEntry[] = [];
  const grading = gradeNotebook(nb);
  const checkByCell = new Map(grading.rows.map((r) => [r.cell, r]));
  const lang = String((nb.metadata.language_info as { name?: unknown } | undefined)?.name ?? 'typescript');
  const durations: { codeCell: number; seconds: number; status: string }[] = [];
  let codeCell = 0;
  let failedCodeCell: number | null = null;
  // One macro table for the page's Markdown cells, in order: a cell of \newcommand's serves the cells after it, as in Jupyter.
  const macros = pageMacros();

  const body = nb.cells
    .map((cell: Cell, i: number) => {
      if (cell.cell_type === 'markdown') {
        const html = sanitizeFragment(inlineAttachments(markdownToHtml(text(cell.source), macros), cell.attachments));
        return `<section class="cell markdown">${anchorHeadings(html, used, toc)}</section>`;
      }
      if (cell.cell_type === 'raw') return `<section class="cell raw"><pre class="out-text">${escapeHtml(text(cell.source))}</pre></section>`;
      const code = cell as CodeCell;
      codeCell++;
      const t = cellTaco(code);
      const status = t.status ?? (code.execution_count === null ? 'not run' : 'ok');
      if (status !== 'ok' && status !== 'not run' && failedCodeCell === null) failedCodeCell = codeCell;
      if (t.duration_s !== undefined) durations.push({ codeCell, seconds: t.duration_s, status });
      const check = checkByCell.get(i);
      const src = text(cell.source);
      const lines = src.split('\n').length;
      const head = [
        `<span>In [${code.execution_count ?? ' '}]</span>`,
        `<span>cell ${codeCell}</span>`,
        t.duration_s !== undefined ? `<span>${fmtSeconds(t.duration_s)}</span>` : '',
        status !== 'ok' ? `<span class="${status === 'not run' ? 'notrun' : 'fail'}">${escapeHtml(status)}</span>` : '',
        check ? `<span>check <b>${escapeHtml(check.id)}</b> · ${check.points} pt · <span class="${check.status === 'pass' ? 'pass' : check.status === 'fail' ? 'fail' : 'notrun'}">${check.status}</span></span>` : '',
      ].join('');
      const outputs = code.outputs.map((o) => renderOutput(o, ctx)).join('\n');
      return (
        `<section class="cell code status-${status === 'ok' ? 'ok' : status === 'not run' ? 'notrun' : 'error'}${check ? ' check' : ''}" id="cell-${codeCell}">` +
        `<div class="cell-head">${head}</div>` +
        `<details class="src" open><summary>code (${lines} line${lines === 1 ? '' : 's'})</summary><pre class="code"><code class="hljs language-${escapeHtml(lang)}">${highlightCode(src, lang)}</code></pre></details>` +
        (outputs ? `<div class="outputs">${outputs}</div>` : '') +
        `</section>`
      );
    })
    .join('\n');

  const firstH1 = toc.find((e) => e.level === 1);
  const title = firstH1 ? visibleText(firstH1.html).trim() : input.name.replace(/\.ipynb$/, '');
  const run = nb.metadata.taco_run as { duration_s?: unknown; kernel_start_s?: unknown; started?: unknown; ok?: unknown } | undefined;
  const totalSeconds = typeof run?.duration_s === 'number' ? run.duration_s : null;
  const versions = Object.entries(prov.versions).map(([k, v]) => `${escapeHtml(k)} ${escapeHtml(v)}`).join(' · ');
  const durRows = durations
    .map((d) => `<tr><td><a href="#cell-${d.codeCell}">cell ${d.codeCell}</a></td><td style="text-align:right">${d.seconds.toFixed(3)}</td><td class="${d.status === 'ok' ? 'pass' : 'fail'}">${escapeHtml(d.status)}</td></tr>`)
    .join('');
  const slowest = [...durations].sort((a, b) => b.seconds - a.seconds)[0];
  const header =
    `<header class="report" id="top">` +
    (input.indexHref ? `<a class="back" href="${escapeHtml(input.indexHref)}">← all notebooks</a>` : '') +
    `<h1>${escapeHtml(title)}</h1>` +
    `<table class="meta">` +
    `<tr><th>notebook</th><td>${escapeHtml(input.name)}</td></tr>` +
    `<tr><th>report built</th><td>${escapeHtml(prov.date)}</td></tr>` +
    (typeof run?.started === 'string' ? `<tr><th>executed</th><td>${escapeHtml(run.started)}${totalSeconds !== null ? ` in ${fmtSeconds(totalSeconds)}` : ''}${typeof run.kernel_start_s === 'number' ? ` (kernel start ${fmtSeconds(run.kernel_start_s)})` : ''}</td></tr>` : `<tr><th>executed</th><td>outputs as saved in the notebook</td></tr>`) +
    `<tr><th>git commit</th><td><code>${escapeHtml(prov.commit)}</code></td></tr>` +
    `<tr><th>backend</th><td>${escapeHtml(prov.backend)}</td></tr>` +
    `<tr><th>packages</th><td>${versions}</td></tr>` +
    `<tr><th>cells</th><td>${codeCell} code cells${failedCodeCell !== null ? `, <span class="fail">failed at <a href="#cell-${failedCodeCell}">cell ${failedCodeCell}</a></span>` : ''}${slowest ? `; slowest <a href="#cell-${slowest.codeCell}">cell ${slowest.codeCell}</a> (${fmtSeconds(slowest.seconds)})` : ''}${grading.rows.length ? `; grading <a href="#grading">${grading.earned} / ${grading.total} points</a>` : ''}</td></tr>` +
    `</table>` +
    (durRows ? `<details class="durations"><summary>per-cell durations (s)</summary><table class="grid"><thead><tr><th>cell</th><th>seconds</th><th>status</th></tr></thead><tbody>${durRows}</tbody></table></details>` : '') +
    `<div class="toolbar"><button type="button" id="fold-all">fold all code</button><button type="button" id="unfold-all">unfold all code</button></div>` +
    `</header>`;

  const tocHtml =
    `<nav class="toc" id="toc"><b>Contents</b><ol>` +
    (grading.rows.length ? `<li class="l1"><a href="#grading">Grading</a></li>` : '') +
    toc.map((e) => `<li class="l${e.level}"><a href="#${e.id}">${e.html}</a></li>`).join('') +
    `</ol></nav>`;

  const n = escapeHtml(input.nonce);
  const csp = `default-src 'none'; script-src 'nonce-${n}'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'`;
  const scripts =
    (ctx.figures.length ? `<script nonce="${n}">${input.plotlySource().replace(/<\/script/gi, '<\\/script')}</script>\n` : '') +
    `<script type="application/json" id="taco-figures">${jsonForScript(ctx.figures)}</script>\n` +
    `<script nonce="${n}">${PAGE_SCRIPT}</script>`;

  const html =
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title>` +
    `<style>${PAGE_CSS}</style><style>${input.highlightCss}</style></head>\n` +
    `<body><div class="layout">${tocHtml}<main>${header}${gradingTable(grading)}<div id="cells">\n${body}\n</div></main></div>\n${scripts}\n</body></html>\n`;

  return { html, title, toc, grading, figures: ctx.figures.length, codeCells: codeCell, failedCodeCell, totalSeconds };
}
