import { Command } from 'commander';
import { RANGES, numberOption } from '../parse';

export function register(program: Command): void {
  const nb = program.command('nb').description('run notebooks headless with the tslab kernel (no Jupyter or Python needed)');

  nb.command('run')
    .description('execute a notebook top to bottom; stops at the first failing cell; writes the executed copy')
    .argument('<notebook>', 'the .ipynb to run (imports like "../src/..." resolve from its folder)')
    .option('--out <file>', 'where to write the executed notebook (default runs/notebooks/<name>.ipynb)')
    .option('--inplace', 'write the executed notebook over the input')
    .option('--timeout <s>', 'per-cell timeout in seconds', numberOption('timeout', RANGES.seconds), 600)
    .option('--start-timeout <s>', 'seconds to wait for the kernel to start', numberOption('start-timeout', RANGES.seconds), 90)
    .option('--json', 'print the run result (cells, timings, failure) as JSON')
    .action(async (file: string, opts: { out?: string; inplace?: boolean; timeout: number; startTimeout: number; json?: boolean }) => {
      if (opts.inplace && opts.out) throw new Error('--inplace and --out exclude each other');
      const { runNotebookCli } = await import('../../notebook/runner/run-cli');
      const r = await runNotebookCli(file, { out: opts.out, inplace: opts.inplace, timeoutS: opts.timeout, startTimeoutS: opts.startTimeout, json: opts.json });
      if (!r.ok) process.exitCode = 1;
    });

  nb.command('install-kernel')
    .description('register the tslab kernel with Jupyter (kernel.json with absolute paths), so notebooks open in JupyterLab')
    .option('--name <name>', 'kernel name (notebooks here ask for "tslab")', 'tslab')
    .option('--prefix <dir>', 'install under <dir>/share/jupyter/kernels instead of the user folder')
    .option('--print', 'only print the kernel.json')
    .action(async (opts: { name: string; prefix?: string; print?: boolean }) => {
      const { installKernelSpec, kernelSpec } = await import('../../notebook/runner/kernelspec');
      if (opts.print) {
        process.stdout.write(`${JSON.stringify(kernelSpec(), null, 2)}\n`);
        return;
      }
      const file = installKernelSpec({ name: opts.name, prefix: opts.prefix });
      process.stdout.write(`wrote ${file}\nstart JupyterLab at the project root (jupyter lab) so plots can load node_modules/plotly.js-dist\n`);
    });
}
