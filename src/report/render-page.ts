import { markdownToHtml, pageMacros } from '../notebook/display/math';
import { escapeHtml, jsonForScript } from '../notebook/display/escape';
import type { Cell, CodeCell, MimeBundle, Notebook } from '../notebook/runner/nbformat';
import { gradeNotebook, GradeSummary } from './grading';
import { gradingTable } from './grading-table';
import { highlightCode } from './highlight';
import { PAGE_CSS } from './page-css';
import { CellDuration, fmtSeconds, pageHeader, TacoRunMetadata } from './page-header';
import { anchorHeadings, TocEntry, visibleText } from './page-headings';
import { PAGE_SCRIPT } from './page-script';
import type { Provenance } from './provenance';
import { RenderContext, renderOutput } from './render-output';
import { sanitizeFragment } from './sanitize';

/**
 * One executed notebook as one self-contained HTML page (nbformat 4 cells: markdown, code with its outputs,
 * raw), readable offline and with scripts limited by a CSP nonce. The header, headings, grading section
 * and page script each live in their own page-*.ts / grading-table.ts file.
 */

export type { Provenance } from './provenance';
export type { TocEntry } from './page-headings';
export { slugify, visibleText } from './page-headings';

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

function cellTaco(cell: CodeCell): { duration_s?: number; status?: string } {
  const t = cell.metadata.taco as { duration_s?: unknown; status?: unknown } | undefined;
  return {
    duration_s: typeof t?.duration_s === 'number' ? t.duration_s : undefined,
    status: typeof t?.status === 'string' ? t.status : undefined,
  };
}

/** Renders an executed notebook as one self-contained HTML page. */
export function renderPage(input: PageInput): PageResult {
  const { nb, provenance: prov } = input;
  const ctx: RenderContext = { figures: [] };
  const used = new Set<string>(['toc', 'grading', 'cells', 'top', 'fold-all', 'unfold-all', 'taco-figures']);
  const toc: TocEntry[] = [];
  const grading = gradeNotebook(nb);
  const checkByCell = new Map(grading.rows.map((r) => [r.cell, r]));
  const lang = String((nb.metadata.language_info as { name?: unknown } | undefined)?.name ?? 'typescript');
  const durations: CellDuration[] = [];
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
  const run = nb.metadata.taco_run as TacoRunMetadata | undefined;
  const totalSeconds = typeof run?.duration_s === 'number' ? run.duration_s : null;
  const header = pageHeader({ input, title, prov, run, totalSeconds, codeCells: codeCell, failedCodeCell, durations, grading });

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
