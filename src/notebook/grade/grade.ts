import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeCell, readNotebook } from '../runner/nbformat';
import { RunEvent, RunResult, runNotebook } from '../runner/run-notebook';

/**
 * Grading by running, as nbgrader's autograder does: a check is a code cell whose metadata carries
 * `nbgrader: { grade: true, grade_id, points }`. The notebook runs top to bottom in grading mode
 * (TACO_GRADING=1 in the kernel, a per-check timeout, and no stop at a failed cell), and each check
 * passes when its cell ran without error.
 */
export interface CheckSpec {
  id: string;
  points: number;
  /** Index of the cell in the notebook. */
  cell: number;
}

export interface CheckResult {
  id: string;
  points: number;
  passed: boolean;
  message: string;
  seconds: number;
}

export interface GradeResult {
  notebook: string;
  executed: string;
  checks: CheckResult[];
  earned: number;
  possible: number;
  ok: boolean;
  seconds: number;
}

interface NbgraderMeta {
  grade?: boolean;
  grade_id?: string;
  points?: number;
}

function nbgraderOf(cell: CodeCell): NbgraderMeta | undefined {
  const m = (cell.metadata as Record<string, unknown>).nbgrader as NbgraderMeta | undefined;
  return m && m.grade ? m : undefined;
}

export function isCheckCell(cell: CodeCell): boolean {
  return cell.cell_type === 'code' && nbgraderOf(cell) !== undefined;
}

/** The checks of a notebook, in order; ids must be unique and points non-negative numbers. */
export function listChecks(file: string): CheckSpec[] {
  const nb = readNotebook(file);
  const out: CheckSpec[] = [];
  const seen = new Set<string>();
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== 'code') return;
    const m = nbgraderOf(c as CodeCell);
    if (!m) return;
    const id = m.grade_id;
    if (!id) throw new Error(`${file}: code cell ${i} is graded but has no nbgrader.grade_id`);
    if (seen.has(id)) throw new Error(`${file}: check id "${id}" appears twice`);
    seen.add(id);
    const points = m.points ?? 0;
    if (!(typeof points === 'number' && points >= 0)) throw new Error(`${file}: check "${id}" has invalid points ${JSON.stringify(m.points)}`);
    out.push({ id, points, cell: i });
  });
  return out;
}

/** First meaningful line(s) of a failure, for the table. */
function shortMessage(msg: string): string {
  const lines = msg.split('\n').map((l) => l.trim()).filter(Boolean);
  const key = lines.find((l) => /Error|assert|expected|Timeout/i.test(l)) ?? lines[0] ?? 'failed';
  return key.length > 160 ? `${key.slice(0, 157)}...` : key;
}

export function checkResults(checks: CheckSpec[], run: RunResult): CheckResult[] {
  return checks.map((c) => {
    const rec = run.cells.find((r) => r.cell === c.cell);
    if (!rec) return { id: c.id, points: c.points, passed: false, message: 'not run', seconds: 0 };
    if (rec.status === 'ok') return { id: c.id, points: c.points, passed: true, message: 'ok', seconds: rec.seconds };
    const f = run.failures.find((x) => x.cell === c.cell);
    return { id: c.id, points: c.points, passed: false, message: `${rec.status}: ${shortMessage(f?.message ?? '')}`, seconds: rec.seconds };
  });
}

export async function gradeNotebook(
  input: string,
  opts: { outDir?: string; checkTimeoutS?: number; timeoutS?: number; onEvent?: (e: RunEvent) => void } = {},
): Promise<GradeResult> {
  const checks = listChecks(input);
  if (checks.length === 0) throw new Error(`${input}: no graded cells (code cells with metadata.nbgrader.grade = true)`);
  const outDir = opts.outDir ?? path.join('runs', 'grade', path.basename(input, '.ipynb'));
  fs.mkdirSync(outDir, { recursive: true });
  const executed = path.join(outDir, path.basename(input));
  const run = await runNotebook(input, {
    out: executed,
    timeoutS: opts.timeoutS ?? 600,
    continueOnError: true,
    isCheck: isCheckCell,
    cellTimeoutS: (cell) => (isCheckCell(cell) ? opts.checkTimeoutS ?? 120 : undefined),
    env: { TACO_GRADING: '1' },
    onEvent: opts.onEvent,
  });
  const results = checkResults(checks, run);
  const earned = results.reduce((s, r) => s + (r.passed ? r.points : 0), 0);
  const possible = results.reduce((s, r) => s + r.points, 0);
  const gradeFile = path.join(outDir, 'grade.json');
  fs.writeFileSync(`${gradeFile}.tmp`, JSON.stringify(results, null, 1));
  fs.renameSync(`${gradeFile}.tmp`, gradeFile);
  return { notebook: input, executed, checks: results, earned, possible, ok: results.every((r) => r.passed), seconds: run.totalSeconds };
}

/** The printed table: check id, points, pass/fail, message, seconds. */
export function formatGradeTable(g: GradeResult): string {
  const rows = g.checks.map((c) => [c.id, String(c.points), c.passed ? 'PASS' : 'FAIL', c.seconds.toFixed(2), c.message]);
  const head = ['check', 'points', 'result', 'seconds', 'message'];
  const w = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (r: string[]) => r.map((x, k) => (k === 4 ? x : x.padEnd(w[k]))).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line), '', `${g.earned} / ${g.possible} points, ${g.checks.filter((c) => c.passed).length} of ${g.checks.length} checks passed (${g.seconds.toFixed(1)} s)`].join('\n');
}
