import { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('print which TensorFlow.js backend / engine is active and why')
    .option('--backend <name>', 'force a backend: auto, tensorflow, webgpu, native, wasm, cpu')
    .option('--json', 'machine-readable output')
    .action(async (opts: { backend?: string; json?: boolean }) => {
      const { initBackend, describeBackend } = await import('../../project/engine/backend');
      const tf = await import('@tensorflow/tfjs-core');
      const choice = await initBackend({ backend: opts.backend });
      const info = { ...choice, tfjsVersion: tf.version_core, node: process.version, platform: `${process.platform}-${process.arch}` };
      if (opts.json) console.log(JSON.stringify(info, null, 2));
      else console.log(`${describeBackend(choice)}\ntfjs-core ${info.tfjsVersion}, node ${info.node}, ${info.platform}`);
    });
}
