import type { Cell, CodeCell, Notebook } from '../notebook/runner/nbformat';

/**
 * The grading convention shared by the notebooks, `taco report` and any grader (nbgrader's own
 * autograder-test convention, so nbgrader and Jupyter tooling understand it as is):
 *
 * - A **check** is a code cell whose metadata is
 *   `{"nbgrader": {"grade": true, "solution": false, "grade_id": "<unique id>", "points": <number>, "locked": true, "schema_version": 3}}`.
 *   The cell id (nbformat 4.5) should equal the grade_id, so links stay stable when cells move.
 * - The check **passes** when the cell ran to the end without an error: it computes, shows what it
 *   computed, then `assert`s it. It **fails** when it raised (tslab reports that as stderr text plus an
 *   execute_reply with status "error"; the runner records it in `metadata.taco.status`), and is
 *   **not run** when an earlier cell stopped the run or the notebook was never executed.
 * - The check's title is the first `//` comment line of its source (falling back to the grade_id).
 *
 * Do not put the check under `metadata.taco`: the runner owns that key and rewrites it on every run.
 */
export type CheckStatus = 'pass' | 'fail' | 'not run';

export interface CheckRow {
  /** nbgrader grade_id. */
  id: string;
  /** Human title: the first `//` comment of the cell; empty when it has none. */
  title: string;
  points: number;
  status: CheckStatus;
  /** Index among all cells, and among code cells (1-based), to link to the cell. */
  cell: number;
  codeCell: number;
  /** For a failure: the first line of the error text. */
  reason?: string;
}

export interface GradeSummary {
  rows: CheckRow[];
  earned: number;
  total: number;
}

interface NbGraderMeta {
  grade?: unknown;
  solution?: unknown;
  grade_id?: unknown;
  points?: unknown;
}

/** The check a cell declares, or undefined when it is not an autograded test cell. */
export function cellCheck(cell: Cell): { id: string; points: number } | undefined {
  if (cell.cell_type !== 'code') return undefined;
  const m = cell.metadata.nbgrader as NbGraderMeta | undefined;
  if (!m || m.grade !== true || m.solution === true) return undefined;
  if (typeof m.grade_id !== 'string' || !m.grade_id) return undefined;
  const points = typeof m.points === 'number' && Number.isFinite(m.points) && m.points >= 0 ? m.points : 0;
  return { id: m.grade_id, points };
}

function text(v: string | string[]): string {
  return Array.isArray(v) ? v.join('') : v;
}

/** First `//` comment line of the source, the way the demo cells describe themselves. */
export function checkTitle(source: string, fallback: string): string {
  for (const line of source.split('\n')) {
    const m = line.match(/^\s*\/\/\s*(.+?)\s*$/);
    if (m) return m[1];
  }
  return fallback;
}

/** Error text of a cell: error outputs, else stderr (where tslab puts compile errors and exceptions). */
export function cellErrorText(cell: CodeCell): string {
  const errs = cell.outputs.filter((o) => o.output_type === 'error');
  if (errs.length) return errs.map((o) => (o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : '')).join('\n');
  return cell.outputs.map((o) => (o.output_type === 'stream' && o.name === 'stderr' ? text(o.text) : '')).join('');
}

/**
 * How a code cell ended. The runner's `metadata.taco.status` decides when present; a notebook saved
 * by another client is judged by its outputs: executed (execution_count set) with no error output
 * and no stderr means ok.
 */
export function cellOutcome(cell: CodeCell): 'ok' | 'error' | 'not run' {
  const taco = cell.metadata.taco as { status?: unknown } | undefined;
  if (taco && typeof taco.status === 'string') return taco.status === 'ok' ? 'ok' : 'error';
  if (cell.execution_count === null || cell.execution_count === undefined) return 'not run';
  return cellErrorText(cell).trim() ? 'error' : 'ok';
}

/** The grading table of a notebook (empty rows when it declares no checks). */
export function gradeNotebook(nb: Notebook): GradeSummary {
  const rows: CheckRow[] = [];
  let codeCell = 0;
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    codeCell++;
    const check = cellCheck(cell);
    if (!check) return;
    const outcome = cellOutcome(cell);
    const status: CheckStatus = outcome === 'ok' ? 'pass' : outcome === 'error' ? 'fail' : 'not run';
    const row: CheckRow = { id: check.id, title: checkTitle(text(cell.source), ''), points: check.points, status, cell: i, codeCell };
    if (status === 'fail') row.reason = (cellErrorText(cell).split('\n').find((l) => l.trim()) ?? '').replace(/\x1b\[[0-9;]*m/g, '').slice(0, 300);
    rows.push(row);
  });
  const total = rows.reduce((s, r) => s + r.points, 0);
  const earned = rows.reduce((s, r) => s + (r.status === 'pass' ? r.points : 0), 0);
  return { rows, earned, total };
}
