import * as fs from 'node:fs';
import * as path from 'node:path';
import { CellOutputs, DisplayRegistry } from './outputs';
import { KernelClient } from './kernel';
import { CodeCell, ErrorOutput, joinSource, Notebook, readNotebook, writeNotebookAtomic } from './nbformat';

export interface RunOptions {
  /** Where the executed notebook goes; default runs/notebooks/<name>.ipynb under the current folder. */
  out?: string;
  /** Write the executed notebook over the input (only when asked). */
  inplace?: boolean;
  /** Per-cell limit in seconds; the cell is interrupted, then the kernel stopped. Default 600. */
  timeoutS?: number;
  /** Limit for the kernel to start and answer kernel_info, in seconds. Default 90. */
  startTimeoutS?: number;
  onEvent?: (e: RunEvent) => void;
  /**
   * Grading mode: keep going after a failed cell, as nbgrader's autograder does, so one failing check
   * does not hide the others. After a timeout or a dead kernel, a fresh kernel replays the earlier
   * cells that passed and are not checks (imports, setup), then the run continues.
   */
  continueOnError?: boolean;
  /** Per-cell timeout override in seconds (e.g. a per-check limit); undefined keeps `timeoutS`. */
  cellTimeoutS?: (cell: CodeCell) => number | undefined;
  /** Whether a cell is a check (not replayed after a kernel restart). */
  isCheck?: (cell: CodeCell) => boolean;
  /** Extra environment for the kernel. */
  env?: Record<string, string>;
}

export type RunEvent =
  | { type: 'kernel-starting' }
  | { type: 'kernel-ready'; seconds: number }
  | { type: 'cell-start'; cell: number; codeCell: number; codeCells: number }
  | { type: 'cell-output'; cell: number; codeCell: number; codeCells: number; seconds: number }
  | { type: 'cell-end'; cell: number; codeCell: number; codeCells: number; seconds: number; status: CellStatus };

export type CellStatus = 'ok' | 'error' | 'timeout' | 'kernel-died' | 'abort';

export interface CellRecord {
  /** Index among all cells (0-based) and among code cells (1-based, as a person counts). */
  cell: number;
  codeCell: number;
  executionCount: number | null;
  seconds: number;
  status: CellStatus;
}

export interface RunFailure {
  cell: number;
  codeCell: number;
  status: Exclude<CellStatus, 'ok'>;
  /** What went wrong: the stderr/traceback text tslab gave, or the timeout/crash description. */
  message: string;
  /** First lines of the failing cell's source, to find it. */
  source: string;
}

export interface RunResult {
  ok: boolean;
  input: string;
  out: string;
  kernelStartSeconds: number;
  totalSeconds: number;
  cells: CellRecord[];
  /** The first failure. */
  failure?: RunFailure;
  /** Every failure (more than one only with continueOnError). */
  failures: RunFailure[];
}

export function defaultOutPath(input: string): string {
  return path.join('runs', 'notebooks', path.basename(input));
}

function samePath(a: string, b: string): boolean {
  const ra = path.resolve(a);
  const rb = path.resolve(b);
  if (ra === rb) return true;
  try {
    return fs.realpathSync(ra) === fs.realpathSync(rb);
  } catch {
    return false;
  }
}

function errorOutput(ename: string, evalue: string, extra: string[] = []): ErrorOutput {
  return { output_type: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`, ...extra] };
}

/**
 * Executes a notebook top to bottom in a fresh tslab kernel (cwd = the notebook's folder) and writes
 * the executed copy. Stops at the first failed cell: tslab reports compile errors and exceptions as
 * stderr plus an execute_reply with status "error", so the reply status decides. The executed
 * notebook is written even then, with outputs up to the failure, and the kernel is always shut down.
 */
export async function runNotebook(input: string, opts: RunOptions = {}): Promise<RunResult> {
  const t0 = Date.now();
  const emit = opts.onEvent ?? (() => undefined);
  const nb: Notebook = readNotebook(input);
  const out = opts.inplace ? input : opts.out ?? defaultOutPath(input);
  if (!opts.inplace && samePath(out, input)) throw new Error(`${input}: --out is the input notebook; pass --inplace to overwrite it`);
  const timeoutMs = Math.max(1, opts.timeoutS ?? 600) * 1000;

  const codeIdx = nb.cells.map((c, i) => (c.cell_type === 'code' ? i : -1)).filter((i) => i >= 0);
  // A clean slate: an executed notebook holds only this run's outputs.
  for (const i of codeIdx) {
    const c = nb.cells[i] as CodeCell;
    c.outputs = [];
    c.execution_count = null;
    delete c.metadata.execution;
    delete c.metadata.taco;
  }

  const result: RunResult = { ok: true, input, out, kernelStartSeconds: 0, totalSeconds: 0, cells: [], failures: [] };
  emit({ type: 'kernel-starting' });
  // Display helpers compute asset paths relative to the notebook as saved (see display/plotly.ts).
  const prevDir = process.env.TACO_NOTEBOOK_DIR;
  process.env.TACO_NOTEBOOK_DIR = path.resolve(path.dirname(out));
  let kernel: KernelClient;
  const startKernel = () => KernelClient.start({ cwd: path.dirname(path.resolve(input)), startTimeoutMs: (opts.startTimeoutS ?? 90) * 1000, env: opts.env });
  try {
    kernel = await startKernel();
  } finally {
    if (prevDir === undefined) delete process.env.TACO_NOTEBOOK_DIR;
    else process.env.TACO_NOTEBOOK_DIR = prevDir;
  }
  result.kernelStartSeconds = kernel.startSeconds;
  emit({ type: 'kernel-ready', seconds: kernel.startSeconds });
  nb.metadata.taco_run = { started: new Date(t0).toISOString(), kernel_start_s: round3(kernel.startSeconds), tslab: kernel.kernelInfo.implementation_version ?? null };

  const displays = new DisplayRegistry();
  try {
    for (let k = 0; k < codeIdx.length; k++) {
      const i = codeIdx[k];
      const cell = nb.cells[i] as CodeCell;
      const code = joinSource(cell.source);
      const codeCell = k + 1;
      emit({ type: 'cell-start', cell: i, codeCell, codeCells: codeIdx.length });
      const outputs = new CellOutputs(displays);
      const c0 = Date.now();
      let status: CellStatus;
      let execCount: number | null = null;
      let message = '';
      try {
        const reply = await kernel.execute(
          code,
          (m) => {
            if (outputs.add(m)) emit({ type: 'cell-output', cell: i, codeCell, codeCells: codeIdx.length, seconds: (Date.now() - c0) / 1000 });
          },
          (opts.cellTimeoutS?.(cell) ?? timeoutMs / 1000) * 1000,
          !opts.continueOnError,
        );
        execCount = reply.execution_count;
        cell.metadata.execution = reply.timing;
        if (reply.timedOut) {
          status = 'timeout';
          message = `cell ${codeCell} did not finish within ${opts.cellTimeoutS?.(cell) ?? timeoutMs / 1000} s; interrupted and the kernel stopped`;
          outputs.outputs.push(errorOutput('CellTimeoutError', message));
        } else {
          status = reply.status;
          if (status !== 'ok') message = outputs.stderr().trim() || `execute_reply status "${status}" with no stderr output`;
        }
      } catch (e) {
        status = 'kernel-died';
        message = (e as Error).message;
        outputs.outputs.push(errorOutput('KernelDiedError', message.split('\n')[0], message.split('\n').slice(1)));
      }
      const seconds = (Date.now() - c0) / 1000;
      cell.outputs = outputs.finish();
      cell.execution_count = execCount;
      cell.metadata.taco = { duration_s: round3(seconds), status };
      result.cells.push({ cell: i, codeCell, executionCount: execCount, seconds, status });
      emit({ type: 'cell-end', cell: i, codeCell, codeCells: codeIdx.length, seconds, status });
      if (status !== 'ok') {
        result.ok = false;
        const failure: RunFailure = { cell: i, codeCell, status, message, source: code.split('\n').slice(0, 3).join('\n') };
        result.failure ??= failure;
        result.failures.push(failure);
        if (!opts.continueOnError) break;
        // tslab cancels whatever arrives in the 200 ms after an error (yunabe/tslab#19), whatever
        // stop_on_error says: let that window pass before the next cell.
        if (status === 'error') await new Promise((r) => setTimeout(r, 300));
        if (status === 'timeout' || status === 'kernel-died') {
          // The kernel is gone: a fresh one replays the setup cells that passed, then the run goes on.
          await kernel.shutdown({ force: true });
          kernel = await startKernel();
          for (const rec of result.cells) {
            const prev = nb.cells[rec.cell] as CodeCell;
            if (rec.status !== 'ok' || opts.isCheck?.(prev)) continue;
            await kernel.execute(joinSource(prev.source), () => undefined, timeoutMs, false);
          }
        }
      }
    }
  } finally {
    // A timed-out or crashed kernel will not answer shutdown_request: do not wait for it.
    await kernel.shutdown({ force: !result.ok });
  }
  result.totalSeconds = (Date.now() - t0) / 1000;
  nb.metadata.taco_run = {
    ...(nb.metadata.taco_run as Record<string, unknown>),
    duration_s: round3(result.totalSeconds),
    ok: result.ok,
    failed_code_cell: result.failure?.codeCell ?? null,
  };
  writeNotebookAtomic(out, nb);
  return result;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
