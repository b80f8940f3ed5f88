import * as path from 'node:path';
import { createProgress, Progress } from '../display/progress';
import { RunOptions, RunResult, runNotebook } from './run-notebook';

export interface CliRunOptions extends Omit<RunOptions, 'onEvent'> {
  /** Print the result as JSON on stdout instead of the summary. */
  json?: boolean;
}

/**
 * `taco nb run` and `taco start`: runs a notebook with a progress bar (cells done, rate, ETA) on a
 * terminal or one line per cell elsewhere, all on stderr, then a summary on stdout.
 */
export async function runNotebookCli(input: string, opts: CliRunOptions): Promise<RunResult> {
  const name = path.basename(input);
  const tty = Boolean(process.stderr.isTTY);
  let bar: Progress | null = null;
  // The kernel leads its own process group, so a terminal's Ctrl-C does not reach it: exit through
  // process.exit so the runner's exit hook kills it.
  const onSignal = (sig: NodeJS.Signals): void => {
    process.stderr.write(`\ntaco nb: ${sig}, stopping the kernel\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await runNotebook(input, {
      ...opts,
      onEvent: (e) => {
        switch (e.type) {
          case 'kernel-starting':
            process.stderr.write(`${name}: starting the tslab kernel...\n`);
            break;
          case 'kernel-ready':
            process.stderr.write(`${name}: kernel ready in ${e.seconds.toFixed(1)} s\n`);
            break;
          case 'cell-start':
            if (tty) {
              bar ??= createProgress({ total: e.codeCells, label: name, unit: 'cell', renderer: 'tty' });
              bar.update(e.codeCell - 1, `running cell ${e.codeCell}/${e.codeCells}`);
            }
            break;
          case 'cell-end':
            if (tty && bar) bar.update(e.codeCell, `cell ${e.codeCell}/${e.codeCells} ${e.status} ${e.seconds.toFixed(2)} s`);
            else process.stderr.write(`  cell ${e.codeCell}/${e.codeCells} ${e.status} ${e.seconds.toFixed(2)} s\n`);
            break;
          default:
            break;
        }
      },
    });
    (bar as Progress | null)?.done(result.ok ? 'all cells ok' : `stopped at cell ${result.failure?.codeCell}`);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else if (result.ok) {
      process.stdout.write(`${name}: ${result.cells.length} code cells ok in ${result.totalSeconds.toFixed(1)} s (kernel start ${result.kernelStartSeconds.toFixed(1)} s)\nexecuted notebook: ${result.out}\n`);
    } else {
      const f = result.failure!;
      process.stdout.write(
        `${name}: FAILED at code cell ${f.codeCell} (cell index ${f.cell}, ${f.status})\n` +
          `--- cell source ---\n${f.source}\n--- error ---\n${f.message}\n` +
          `executed notebook (outputs up to the failure): ${result.out}\n`,
      );
    }
    return result;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
