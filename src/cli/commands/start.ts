import * as path from 'node:path';
import { Command } from 'commander';

/** `npm start`: for now, the smoke notebook through the runner (later: the full report). */
export function register(program: Command): void {
  program
    .command('start')
    .description("the main job (npm start): runs notebooks/Smoke.ipynb headless into runs/notebooks/")
    .option('--timeout <s>', 'per-cell timeout in seconds', (v: string) => Number(v), 600)
    .action(async (opts: { timeout: number }) => {
      const { runNotebookCli } = await import('../../notebook/runner/run-cli');
      const root = path.resolve(__dirname, '..', '..', '..');
      const input = path.join(root, 'notebooks', 'Smoke.ipynb');
      const out = path.join('runs', 'notebooks', 'Smoke.ipynb');
      const r = await runNotebookCli(input, { out, timeoutS: opts.timeout });
      if (!r.ok) process.exitCode = 1;
    });
}
