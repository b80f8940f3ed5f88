import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';

/**
 * A command module in `src/cli/commands/` exports `register(program)`. Modules are found by listing
 * the folder so that each feature adds its command without touching this file. Modules must load
 * heavy libraries (tfjs, sharp) lazily inside their actions so `taco --help` stays instant.
 */
export interface CommandModule {
  register(program: Command): void;
}

export function loadCommandModules(dir: string): CommandModule[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => require(path.join(dir, f)) as CommandModule)
    .filter((m) => typeof m.register === 'function');
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('taco')
    .description('taco-companion: YOLOv8 waste detection on TACO in TensorFlow.js, and the HW4 Part 2 companion')
    .showHelpAfterError()
    .enablePositionalOptions();
  for (const m of loadCommandModules(path.join(__dirname, 'commands'))) m.register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
