import * as path from 'node:path';
import { Command } from 'commander';
import { loadCommandModules } from '../main';

/** `taco bench <what>`: each benchmark is a module in `src/cli/bench/` exporting `register(bench)`. */
export function register(program: Command): void {
  const bench = program
    .command('bench')
    .description('benchmarks that print their figures (a table; --json for machine-readable output)');
  for (const m of loadCommandModules(path.join(__dirname, '..', 'bench'))) m.register(bench);
}
