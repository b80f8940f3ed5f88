import * as path from 'node:path';
import { Command } from 'commander';
import { secondsOption } from '../parse';

interface StartOptions {
  out: string;
  timeout: number;
  backend?: string;
}

const seconds = secondsOption;

/**
 * `npm start`: the main job. Prepares the dataset (TACO-mini unless TACO_DIR is set), runs the Part 1
 * and Part 2 notebooks headless into runs/notebooks/, then writes the offline HTML report from the
 * executed copies. A failing cell stops it before the report, so the previous report stays in place.
 */
export function register(program: Command): void {
  program
    .command('start')
    .description('the main job (npm start): prepare TACO-mini, run both notebooks into runs/notebooks/, write the HTML report')
    .option('--out <dir>', 'report folder (relative to the project root)', 'report')
    .option('--timeout <s>', 'per-cell timeout in seconds', seconds, 600)
    .option('--backend <name>', 'TensorFlow.js backend for the notebooks (auto, tensorflow, wasm, cpu); default: TACO_BACKEND or the notebook\'s own')
    .action(async (opts: StartOptions) => {
      const t0 = Date.now();
      const { PROJECT_ROOT, part1Config } = await import('../../project/part1/config');
      const root = PROJECT_ROOT;
      if (opts.backend) process.env.TACO_BACKEND = opts.backend;
      const log = (s: string): boolean => process.stderr.write(`${s}\n`);

      // The fast CPU engine: build (or rebuild) it when the machine can and TACO_BACKEND does not rule it out.
      if (!process.env.TACO_BACKEND || process.env.TACO_BACKEND === 'native') {
        const { addonBuildProblem } = await import('../../project/backend/native/addon');
        const problem = addonBuildProblem();
        if (problem) {
          const { buildAddon } = await import('../../project/backend/native/build');
          log(`[0/4] native engine: ${problem}; building it (needs g++ and libdnnl-dev)...`);
          const b = buildAddon();
          log(b.ok ? '      built: training runs on the native oneDNN engine' : `      not built (${b.log.trim().split('\n').slice(-1)[0]}); training runs on wasm`);
        }
      }

      const cfg = part1Config();
      log(`[1/4] dataset: ${cfg.tacoDir ?? 'TACO-mini (SYNTHETIC)'} -> ${path.relative(root, cfg.dataOut)}`);
      const { prepareForConfig } = await import('../../project/part1/dataset');
      const prep = await prepareForConfig(cfg);
      log(`      train ${prep.images.train}, val ${prep.images.val}, test ${prep.images.test} images (${prep.images.reused} up to date) in ${prep.seconds.toFixed(1)} s`);

      const { runNotebookCli } = await import('../../notebook/runner/run-cli');
      const notebooks = ['Part1_MiniProject.ipynb', 'Part2_SummaryQuestions.ipynb'];
      const executed: string[] = [];
      for (const [k, name] of notebooks.entries()) {
        log(`[${k + 2}/4] running notebooks/${name}`);
        const out = path.join(root, 'runs', 'notebooks', name);
        const r = await runNotebookCli(path.join(root, 'notebooks', name), { out, timeoutS: opts.timeout });
        if (!r.ok) {
          log(`taco start: notebooks/${name} failed at code cell ${r.failure?.codeCell}; the report was not rebuilt (the previous one, if any, is unchanged)`);
          process.exitCode = 1;
          return;
        }
        executed.push(out);
      }

      log('[4/4] writing the HTML report');
      const { buildReport } = await import('../../report/build');
      const report = await buildReport({ notebooks: executed, out: path.resolve(root, opts.out), execute: false });
      const rel = (p: string) => path.relative(process.cwd(), p) || '.';
      const lines = [
        '',
        `done in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
        `  dataset:            ${rel(cfg.dataOut)}/data.yaml`,
        `  training run:       ${rel(path.join(cfg.project, cfg.name))} (results.csv, weights/best.safetensors)`,
        ...executed.map((e) => `  executed notebook:  ${rel(e)}`),
        ...report.pages.map((p) => `  report page:        ${rel(p.file)}`),
        `  open the report:    ${path.resolve(report.index)}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
