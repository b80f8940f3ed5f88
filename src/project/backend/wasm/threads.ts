import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';

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

/** tfjs's C++ never makes a larger XNNPACK pool, and emscripten's glue preallocates this many pthread workers. */
export const MAX_WASM_THREADS = 8;

/** Time allowed for the threaded module and its workers to start before falling back. */
const START_TIMEOUT_MS = 60_000;

const WASM_OUT = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'));
const THREADED_JS = path.join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.js');
const THREADED_WASM = path.join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.wasm');
const WORKER_FILE = path.join(__dirname, 'pthread-worker.js');
/** tfjs's worker script (a string export), which WORKER_FILE runs. */
const WORKER_SOURCE = path.join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.worker.js');

export interface ThreadPlan {
  /** <= 1 means the stock single-threaded build. */
  threads: number;
  reason: string;
}

/** Reads a TACO_WASM_THREADS value (`source` names where it came from). Pure; throws on a value that is not a setting. */
export function parseWasmThreads(value: string | undefined, cores: number, source = 'TACO_WASM_THREADS'): ThreadPlan {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'auto') {
    const n = Math.min(cores, MAX_WASM_THREADS);
    if (n < 2) return { threads: 1, reason: `single-threaded: only ${cores} core` };
    const capped = cores > MAX_WASM_THREADS ? ` (capped at the ${MAX_WASM_THREADS}-worker pthread pool)` : '';
    return { threads: n, reason: `default: one thread per core${capped}` };
  }
  if (!/^\d+$/.test(v)) {
    throw new Error(`${source}="${value}" is not a thread count: use 0 or 1 (single-threaded), N >= 2, or auto`);
  }
  const n = Number(v);
  if (n <= 1) return { threads: 1, reason: `single-threaded: ${source}=${v}` };
  if (n > MAX_WASM_THREADS) {
    return { threads: MAX_WASM_THREADS, reason: `${source}=${v}, capped at the ${MAX_WASM_THREADS}-worker pthread pool` };
  }
  return { threads: n, reason: `${source}=${v}` };
}

/**
 * The WebAssembly API, typed here: tslab compiles without the DOM lib, where the global has no value type.
 */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  instantiate(bytes: Uint8Array, imports: WasmImports): Promise<{ instance: object; module: object }>;
}
type WasmImports = Record<string, Record<string, unknown>>;
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The feature test tfjs uses for WASM_HAS_SIMD_SUPPORT (a tiny module with one SIMD instruction). */
function wasmHasSimd(): boolean {
  try {
    return wasmApi.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]));
  } catch {
    return false;
  }
}

/** Shared memory and atomics, which the threaded build needs (a tiny module with a shared memory and an atomic load). */
function wasmHasThreads(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  try {
    return wasmApi.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11]));
  } catch {
    return false;
  }
}

type BackendFactory = () => tf.KernelBackend | Promise<tf.KernelBackend>;

interface EngineInternals {
  registry: Record<string, tf.KernelBackend>;
  registryFactory: Record<string, { factory: BackendFactory; priority: number }>;
}

interface WorkerLike {
  unref(): void;
}

/** The parts of the emscripten module this file touches (the rest is BackendWasm's business). */
interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => unknown;
  PThread?: { runningWorkers: WorkerLike[]; unusedWorkers: WorkerLike[]; terminateAllThreads(): void };
  tfjs?: Record<string, unknown>;
}

interface WasmPackage {
  BackendWasm: new (wasm: never) => tf.KernelBackend;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
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

function wasmPackage(): WasmPackage {
  return require('@tensorflow/tfjs-backend-wasm') as WasmPackage;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  return msg.split('\n')[0];
}

/**
 * Chooses the thread count for the wasm backend (overrides TACO_WASM_THREADS). Call before the backend
 * starts (tf.setBackend('wasm') / initBackend); backend.ts calls it, through register.ts, when it loads wasm.
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
 * register.ts's hook, run when backend.ts loads wasm: applies TACO_WASM_THREADS unless setWasmThreads was
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

function availableCores(): number {
  const ap = (os as { availableParallelism?: () => number }).availableParallelism;
  return typeof ap === 'function' ? ap() : os.cpus().length;
}

function threadedPrerequisiteMissing(): string | undefined {
  if (!wasmHasSimd()) return 'this runtime has no wasm SIMD (the threaded build needs it)';
  if (!wasmHasThreads()) return 'this runtime has no SharedArrayBuffer / wasm atomics';
  for (const f of [THREADED_JS, THREADED_WASM, WORKER_FILE, WORKER_SOURCE]) {
    if (!fs.existsSync(f)) return `missing ${f}`;
  }
  // A worker whose script fails makes emscripten throw from an event handler, which would end the process:
  // so check here, where a failure can still fall back, that the script pthread_worker.js runs compiles.
  try {
    const { wasmWorkerContents } = require(WORKER_SOURCE) as { wasmWorkerContents: string };
    new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'));
  } catch (e) {
    return `the pthread worker script does not load (${firstLine(e)})`;
  }
  return undefined;
}

/**
 * Emscripten's Node glue adds process-wide uncaughtException/unhandledRejection listeners that rethrow
 * (turning every later uncaught error into exit code 7), and tfjs never removes them. Only listeners added
 * while the module starts, and written like emscripten's, are removed: others may register meanwhile.
 */
async function withoutAddedProcessListeners<T>(start: () => Promise<T>): Promise<T> {
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  const listeners = (ev: (typeof events)[number]) => process.listeners(ev as 'uncaughtException') as ((...a: unknown[]) => void)[];
  const before = new Set(events.flatMap(listeners));
  try {
    return await start();
  } finally {
    for (const ev of events) {
      for (const l of listeners(ev)) {
        if (!before.has(l) && isEmscriptenRethrow(l)) process.removeListener(ev, l);
      }
    }
  }
}

function isEmscriptenRethrow(listener: unknown): boolean {
  const src = String(listener);
  return /instanceof ExitStatus\)\)\s*\{?\s*throw\b/.test(src) || /^function\s*\((\w+)\)\s*\{\s*throw\s+\1;?\s*\}$/.test(src);
}

async function startThreadedBackend(threads: number, timeoutMs: number): Promise<tf.KernelBackend> {
  const pkg = wasmPackage();
  const createModule = require(THREADED_JS) as (config: object) => Promise<ThreadedModule>;
  const messages: string[] = [];
  const module = await withoutAddedProcessListeners(() =>
    withTimeout(
      new Promise<ThreadedModule>((resolve, reject) => {
        createModule({
          locateFile: (file: string, prefix: string) => (file.endsWith('.worker.js') ? WORKER_FILE : prefix + file),
          // Each pthread worker evaluates this script to get the module factory (tfjs passes a Blob here).
          mainScriptUrlOrBlob: THREADED_JS,
          instantiateWasm: (info: WasmImports, receiveInstance: (instance: object, module: object) => void) => {
            instantiateReportingCores(info, 2 * threads).then(({ instance, module: m }) => receiveInstance(instance, m), reject);
            return {};
          },
          // Emscripten prints to stdout/stderr (also for the workers); keep it for the error message instead.
          print: (text: string) => messages.push(text),
          printErr: (text: string) => messages.push(text),
          onAbort: (what: unknown) => reject(new Error(`aborted: ${firstLine(what)}${messages.length ? `; ${messages.join(' | ')}` : ''}`)),
        }).then(resolve, reject);
      }),
      timeoutMs,
      'the pthread workers did not start',
    ),
  );
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  pkg.setThreadsCount(threads);
  // Starts XNNPACK's pthreadpool: emscripten ref()s each worker it hands a thread to.
  const backend = new pkg.BackendWasm(module as never);
  unrefWorkers(module);
  return backend;
}

/**
 * tfjs's C++ caps the XNNPACK pool at emscripten_num_logical_cores() / 2 (it assumes hyper-threads), even
 * when a count is set. Instantiating the module ourselves (emscripten's `instantiateWasm` hook) lets that
 * one import report twice the wanted threads, so the count asked for is the count used.
 */
async function instantiateReportingCores(info: WasmImports, logicalCores: number): Promise<{ instance: object; module: object }> {
  const binary = await fs.promises.readFile(THREADED_WASM);
  const imports: WasmImports = {};
  for (const [ns, fns] of Object.entries(info)) {
    imports[ns] = fns.emscripten_num_logical_cores ? { ...fns, emscripten_num_logical_cores: () => logicalCores } : fns;
  }
  return wasmApi.instantiate(binary, imports);
}

/** Idle pool threads must not keep Node alive: a script that is done has to exit on its own. */
function unrefWorkers(module: ThreadedModule): void {
  const pt = module.PThread;
  if (!pt) return;
  for (const w of [...pt.runningWorkers, ...pt.unusedWorkers]) w.unref();
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
    timer.unref();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
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
