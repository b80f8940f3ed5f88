import { escapeHtml } from '../notebook/display/escape';
import { GradeSummary } from './grading';

/**
 * The report's grading section: one row per nbgrader-style check (grade_id, points, result), each
 * linking to its cell, and the points earned of the total, as `taco grade` scores them.
 */
export function gradingTable(g: GradeSummary): string {
  if (!g.rows.length) return '';
  const rows = g.rows
    .map((r) => {
      const cls = r.status === 'pass' ? 'pass' : r.status === 'fail' ? 'fail' : 'notrun';
      return `<tr><td><a href="#cell-${r.codeCell}">${escapeHtml(r.id)}</a></td><td>${r.title ? escapeHtml(r.title) : '—'}</td><td style="text-align:right">${r.points}</td><td class="${cls}">${r.status}${r.reason ? `: ${escapeHtml(r.reason)}` : ''}</td></tr>`;
    })
    .join('');
  return `<section class="grading" id="grading"><h2>Grading</h2><table class="grid"><thead><tr><th>check</th><th>what it checks</th><th>points</th><th>result</th></tr></thead><tbody>${rows}</tbody><tfoot><tr><th colspan="2">total</th><th style="text-align:right">${g.earned} / ${g.total}</th><th>${g.rows.filter((r) => r.status === 'pass').length} of ${g.rows.length} checks pass</th></tr></tfoot></table></section>`;
}
