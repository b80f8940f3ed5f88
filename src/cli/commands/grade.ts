import * as path from 'node:path';
import { Command } from 'commander';
import { RANGES, numberOption } from '../parse';

export function register(program: Command): void {
  program
    .command('grade')
    .description('grade by running: execute a notebook in grading mode and score its checks (cells with nbgrader grade metadata); writes grade.json')
    .argument('[notebook]', 'notebook to grade', path.join('notebooks', 'Part2_SummaryQuestions.ipynb'))
    .option('--out <dir>', 'folder for the executed notebook and grade.json (default runs/grade/<name>)')
    .option('--check-timeout <s>', 'time limit per check, seconds', numberOption('check-timeout', RANGES.seconds), 120)
    .option('--timeout <s>', 'time limit per ordinary cell, seconds', numberOption('timeout', RANGES.seconds), 600)
    .option('--json', 'print grade.json to stdout instead of the table')
    .action(async (notebook: string, o: { out?: string; checkTimeout: number; timeout: number; json?: boolean }) => {
      const { gradeNotebook, formatGradeTable, listChecks } = await import('../../notebook/grade/grade');
      const { createProgress } = await import('../../notebook/display/progress');
      const n = listChecks(notebook).length;
      const bar = o.json ? undefined : createProgress({ total: 1, label: `grading ${path.basename(notebook)} (${n} checks)`, unit: 'cell' });
      const g = await gradeNotebook(notebook, {
        outDir: o.out,
        checkTimeoutS: o.checkTimeout,
        timeoutS: o.timeout,
        onEvent: (e) => {
          if (!bar) return;
          if (e.type === 'cell-start') bar.setTotal(e.codeCells);
          if (e.type === 'cell-end') bar.update(e.codeCell);
        },
      });
      bar?.done();
      if (o.json) console.log(JSON.stringify(g.checks, null, 1));
      else console.log(formatGradeTable(g));
      if (!g.ok) process.exitCode = 1;
    });
}
