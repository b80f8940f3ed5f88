import { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('print which TensorFlow.js backend / engine is active and why, and the WebGPU adapters Dawn finds')
    .option('--backend <name>', 'force a backend: auto, tensorflow, webgpu, native, wasm, cpu')
    .option('--json', 'machine-readable output')
    .action(async (opts: { backend?: string; json?: boolean }) => {
      const { initBackend, describeBackend } = await import('../../project/backend/init');
      const tf = await import('@tensorflow/tfjs-core');
      const { probeAdapters, describeAdapter, KEY_LIMITS, locateDawn } = await import('../../project/backend/webgpu/adapter');
      const { webgpuState } = await import('../../project/backend/webgpu/loader');
      const choice = await initBackend({ backend: opts.backend });
      const dawn = locateDawn();
      // The probe runs in a child process, so Dawn's own stderr chatter stays out of ours.
      const probe = 'error' in dawn ? { adapters: [], errors: [dawn.error], ms: 0 } : probeAdapters();
      const inUse = webgpuState()?.adapter;
      const webgpu = {
        adapters: probe.adapters.map((a) => ({ ...a, inUse: a === inUse })),
        errors: probe.errors,
      };
      const engines: Record<string, string> = {};
      if (choice.name === 'wasm') {
        const t = (await import('../../project/backend/wasm/threads')).wasmThreadInfo();
        engines.wasm = `${t.threads} thread(s), SIMD ${t.simd ? 'on' : 'off'} (${t.reason})`;
      }
      if (choice.name === 'native') engines.native = (await import('../../project/backend/native/loader')).nativeDescription();
      const info = { ...choice, engines, tfjsVersion: tf.version_core, node: process.version, platform: `${process.platform}-${process.arch}`, webgpu };
      if (opts.json) {
        console.log(JSON.stringify(info, null, 2));
        return;
      }
      const lines = [describeBackend(choice), ...Object.entries(engines).map(([k, v]) => `${k}: ${v}`), `tfjs-core ${info.tfjsVersion}, node ${info.node}, ${info.platform}`, 'WebGPU adapters (Dawn):'];
      if (probe.adapters.length === 0) lines.push(`  none (${probe.errors.join('; ')})`);
      for (const a of probe.adapters) {
        const tag = a === inUse ? ' <- in use' : a.software ? ' (software: used only with --backend webgpu)' : '';
        lines.push(`  ${describeAdapter(a)}${tag}`);
        lines.push(`    ${KEY_LIMITS.map((k) => `${k}=${a.limits[k] ?? '?'}`).join(' ')}`);
      }
      console.log(lines.join('\n'));
    });
}
