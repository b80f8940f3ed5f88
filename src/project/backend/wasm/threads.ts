import * as tf from '@tensorflow/tfjs-core';
import { availableCores, parseWasmThreads, type ThreadPlan } from './thread-plan';
import { firstLine, startThreadedBackend, threadedPrerequisiteMissing, wasmPackage } from './threaded-start';
import { withoutAddedProcessListeners } from './emscripten-listeners';
import { wasmHasSimd } from './wasm-features';

/**
 * Multi-threaded wasm in Node.
 *
 * tfjs-backend-wasm 4.22 never uses its threaded build in Node (its WASM_HAS_MULTITHREAD_SUPPORT flag is
 * false there), and forcing the flag is not enough: tfjs gives emscripten the pthread worker as a Blob URL,
 * which Node's worker_threads cannot load. So the 'wasm' backend factory is replaced by one that starts
 * the threaded emscripten module itself, with the worker taken from a file (pthread_worker.js), and then
 * builds tfjs's own BackendWasm on it, so every kernel (stock and ours) runs unchanged.
 *
 * TACO_WASM_THREADS (or setWasmThreads before the backend starts): unset/'auto' = one thread per core,
 * '0' or '1' = the stock single-threaded build, N >= 2 = N threads. Any failure falls back to the
 * single-threaded build and wasmThreadInfo() says why; nothing is printed.
 */
export interface WasmThreadInfo {
  /** Threads XNNPACK runs on (1 = the single-threaded build). */
  threads: number;
  /** Whether the wasm SIMD build is in use. */
  simd: boolean;
  /** Why this many: the setting, or why threads were not used. */
  reason: string;
}

/** Time allowed for the threaded module and its workers to start before falling back. */
const START_TIMEOUT_MS = 60_000;

type BackendFactory = () => tf.KernelBackend | Promise<tf.KernelBackend>;

interface EngineInternals {
  registry: Record<string, tf.KernelBackend>;
  registryFactory: Record<string, { factory: BackendFactory; priority: number }>;
}

/** State of this process's wasm backend, as chosen before it started. */
let plan: ThreadPlan | undefined;
/** Why the single-threaded build runs although threads were planned. */
let fallbackReason: string | undefined;
/** tfjs's own factory for 'wasm', kept when ours replaces it. */
let tfjsFactory: BackendFactory | undefined;

function engineInternals(): EngineInternals {
  return tf.engine() as unknown as EngineInternals;
}

/**
 * Chooses the thread count for the wasm backend (overrides TACO_WASM_THREADS). Call before the backend
 * starts (tf.setBackend('wasm') / initBackend); init.ts calls it, through register.ts, when it loads wasm.
 * Throws on a setting that is not a thread count, or when wasm has already started.
 */
export function setWasmThreads(setting?: string | number, opts: { startTimeoutMs?: number } = {}): WasmThreadInfo {
  const p =
    setting === undefined
      ? parseWasmThreads(process.env.TACO_WASM_THREADS, availableCores())
      : parseWasmThreads(String(setting), availableCores(), 'setWasmThreads');
  const eng = engineInternals();
  if (eng.registry.wasm) {
    throw new Error('the wasm backend has already started: choose its threads before tf.setBackend("wasm") / initBackend');
  }
  wasmPackage(); // registers tfjs's 'wasm' backend, whose factory builds the single-threaded module
  const registered = eng.registryFactory.wasm;
  if (!registered) throw new Error('@tensorflow/tfjs-backend-wasm did not register a "wasm" backend');
  tfjsFactory ??= registered.factory;
  const single = tfjsFactory;
  plan = p;
  fallbackReason = undefined;
  let threads = p.threads;
  if (threads >= 2) {
    const missing = threadedPrerequisiteMissing();
    if (missing) {
      fallbackReason = `single-threaded: ${missing}`;
      threads = 1;
    }
  }
  // Both builds go through a factory of ours, so the process listeners emscripten adds are removed in both.
  const factory = async (): Promise<tf.KernelBackend> => {
    if (threads >= 2) {
      try {
        return await startThreadedBackend(threads, opts.startTimeoutMs ?? START_TIMEOUT_MS);
      } catch (e) {
        fallbackReason = `single-threaded: the threaded build failed to start (${firstLine(e)})`;
      }
    }
    return withoutAddedProcessListeners(async () => single());
  };
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, registered.priority);
  return wasmThreadInfo();
}

/**
 * register.ts's hook, run when init.ts loads wasm: applies TACO_WASM_THREADS unless setWasmThreads was
 * called already (that choice wins) or wasm already runs (then wasmThreadInfo says so). A bad
 * TACO_WASM_THREADS throws.
 */
export function installWasmThreads(): WasmThreadInfo {
  if (plan) return wasmThreadInfo();
  if (engineInternals().registry.wasm) {
    fallbackReason = 'the wasm backend started before its threads could be chosen (tfjs default)';
    return wasmThreadInfo();
  }
  return setWasmThreads();
}

/** What the wasm backend runs on (or will, once started) and why. For `taco doctor`. */
export function wasmThreadInfo(): WasmThreadInfo {
  const simd = wasmHasSimd();
  if (engineInternals().registry.wasm) {
    let threads = 1;
    try {
      threads = Math.max(1, wasmPackage().getThreadsCount());
    } catch {
      // tfjs had not recorded a count: its single-threaded build
    }
    return { threads, simd, reason: fallbackReason ?? plan?.reason ?? 'tfjs default' };
  }
  const p = plan ?? parseWasmThreads(process.env.TACO_WASM_THREADS, availableCores());
  const threads = fallbackReason ? 1 : p.threads;
  const reason = fallbackReason ?? p.reason;
  return { threads, simd, reason: plan ? `${reason} (wasm not started yet)` : `${reason} (not applied: wasm not loaded through initBackend yet)` };
}
