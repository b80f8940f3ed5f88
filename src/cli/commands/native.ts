import { Command } from 'commander';

/** `taco native build|info`: the optional oneDNN CPU engine. */
export function register(program: Command): void {
  const native = program.command('native').description('the native CPU engine (oneDNN addon): build it, or show whether it loads');
  native
    .command('build')
    .description('build the oneDNN addon into build/native (needs g++, make, python3 and libdnnl-dev)')
    .option('--verbose', 'show the compiler output')
    .action(async (opts: { verbose?: boolean }) => {
      const { buildAddon } = await import('../../project/backend/native/build');
      process.stderr.write('building the native engine (node-gyp, oneDNN)...\n');
      const r = buildAddon(opts);
      if (!r.ok) {
        const tail = r.log.split('\n').filter((l) => /error|not found|No such/i.test(l)).slice(0, 12).join('\n');
        console.error(`native build failed: ${tail || r.log.slice(-2000)}\n(everything still works on the wasm engine)`);
        process.exitCode = 1;
        return;
      }
      console.log(`built ${r.addon}`);
    });
  native
    .command('info')
    .description('whether the addon loads, its oneDNN version and thread count')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const { loadAddon } = await import('../../project/backend/native/addon');
      let info: Record<string, unknown>;
      try {
        info = { available: true, ...loadAddon().info() };
      } catch (e) {
        info = { available: false, reason: (e as Error).message };
      }
      if (opts.json) console.log(JSON.stringify(info, null, 2));
      else console.log(info.available ? `native engine: oneDNN ${info.onednn}, ${info.threads} threads` : `native engine unavailable: ${info.reason}`);
      if (!info.available) process.exitCode = 1;
    });
}
