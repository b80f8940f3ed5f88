import * as path from 'node:path';
import { Command } from 'commander';
import { secondsOption } from '../parse';

interface ReportCliOptions {
  notebooks?: string;
  out: string;
  execute: boolean;
  backend?: string;
  timeout: number;
  json?: boolean;
}

const seconds = secondsOption;

export function register(program: Command): void {
  program
    .command('report')
    .description('run the notebooks and export each to one self-contained, offline HTML page plus index.html')
    .option('--notebooks <list>', 'comma-separated .ipynb files (default: notebooks/Part1_MiniProject.ipynb and notebooks/Part2_SummaryQuestions.ipynb, those that exist)')
    .option('--out <dir>', 'output folder', 'report')
    .option('--no-execute', 'render the outputs saved in the notebooks instead of running them')
    .option('--backend <name>', 'TensorFlow.js backend for the kernels (auto, tensorflow, wasm, cpu); default: TACO_BACKEND or automatic')
    .option('--timeout <s>', 'per-cell timeout in seconds', seconds, 600)
    .option('--json', 'print the result as JSON')
    .action(async (opts: ReportCliOptions) => {
      const { buildReport, defaultNotebooks, ReportExecutionError } = await import('../../report/build');
      const notebooks = opts.notebooks ? opts.notebooks.split(',').map((s) => s.trim()).filter(Boolean) : defaultNotebooks();
      if (!notebooks.length) throw new Error('taco report: no notebooks found under notebooks/; pass --notebooks a.ipynb,b.ipynb');
      const log = (s: string): boolean => process.stderr.write(`${s}\n`);
      try {
        const r = await buildReport({
          notebooks,
          out: opts.out,
          execute: opts.execute,
          backend: opts.backend,
          timeoutS: opts.timeout,
          onEvent: (e) => {
            if (e.type === 'execute') log(`[${e.index + 1}/${e.count}] running ${e.notebook}`);
            else if (e.type === 'run' && e.event.type === 'cell-end') log(`  cell ${e.event.codeCell}/${e.event.codeCells} ${e.event.status} ${e.event.seconds.toFixed(2)} s`);
            else if (e.type === 'executed') log(`  ${e.result.ok ? 'ok' : 'FAILED'} in ${e.result.totalSeconds.toFixed(1)} s`);
            else if (e.type === 'written') log(`wrote ${e.file} (${(e.bytes / 1024 / 1024).toFixed(2)} MB)`);
          },
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ out: r.out, index: r.index, seconds: r.seconds, pages: r.pages.map((p) => ({ notebook: p.notebook, file: p.file, bytes: p.bytes, title: p.page.title, codeCells: p.page.codeCells, figures: p.page.figures, grading: { earned: p.page.grading.earned, total: p.page.grading.total, rows: p.page.grading.rows } })) }, null, 2)}\n`);
        } else {
          for (const p of r.pages) {
            const g = p.page.grading.rows.length ? `, grading ${p.page.grading.earned}/${p.page.grading.total}` : '';
            process.stdout.write(`${path.basename(p.notebook)}: ${p.page.codeCells} code cells, ${p.page.figures} figures${g} -> ${p.file}\n`);
          }
          process.stdout.write(`report built in ${r.seconds.toFixed(1)} s: open ${path.resolve(r.index)}\n`);
        }
      } catch (e) {
        if (e instanceof ReportExecutionError) {
          process.stderr.write(`taco report: ${e.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw e;
      }
    });
}
