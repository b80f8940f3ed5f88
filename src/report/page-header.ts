import { escapeHtml } from '../notebook/display/escape';
import { GradeSummary } from './grading';
import type { Provenance } from './provenance';

/**
 * The header of a report page: what was run, when, where (provenance), how long each cell took, and
 * where it failed, so a reader can trust or question the outputs below it.
 */

/** The run record `taco nb run` writes to the notebook's metadata (`taco_run`). */
export interface TacoRunMetadata {
  duration_s?: unknown;
  kernel_start_s?: unknown;
  started?: unknown;
  ok?: unknown;
}

export interface CellDuration {
  codeCell: number;
  seconds: number;
  status: string;
}

export interface HeaderInput {
  input: { name: string; indexHref?: string };
  title: string;
  prov: Provenance;
  run: TacoRunMetadata | undefined;
  totalSeconds: number | null;
  codeCells: number;
  failedCodeCell: number | null;
  durations: CellDuration[];
  grading: GradeSummary;
}

export function fmtSeconds(s: number): string {
  return s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

export function pageHeader(h: HeaderInput): string {
  const { input, title, prov, run, totalSeconds, codeCells: codeCell, failedCodeCell, durations, grading } = h;
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
  return header;
}
