import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { withoutAddedProcessListeners } from './emscripten-listeners';
import { wasmApi, wasmHasSimd, wasmHasThreads, type WasmImports } from './wasm-features';

/**
 * Starts tfjs-backend-wasm's threaded SIMD build in Node, which tfjs itself never does there: the
 * emscripten module is created here with the pthread worker taken from a file (pthread-worker.js; tfjs
 * would pass a Blob URL that worker_threads cannot load), and tfjs's own BackendWasm is built on it.
 */
const WASM_OUT = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'));
const THREADED_JS = path.join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.js');
const THREADED_WASM = path.join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.wasm');
const WORKER_FILE = path.join(__dirname, 'pthread-worker.js');
/** tfjs's worker script (a string export), which WORKER_FILE runs. */
const WORKER_SOURCE = path.join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.worker.js');

interface WorkerLike {
  unref(): void;
}

/** The parts of the emscripten module this file touches (the rest is BackendWasm's business). */
interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => unknown;
  PThread?: { runningWorkers: WorkerLike[]; unusedWorkers: WorkerLike[]; terminateAllThreads(): void };
  tfjs?: Record<string, unknown>;
}

export interface WasmPackage {
  BackendWasm: new (wasm: never) => tf.KernelBackend;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

export function wasmPackage(): WasmPackage {
  return require('@tensorflow/tfjs-backend-wasm') as WasmPackage;
}

export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  return msg.split('\n')[0];
}

export function threadedPrerequisiteMissing(): string | undefined {
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

export async function startThreadedBackend(threads: number, timeoutMs: number): Promise<tf.KernelBackend> {
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
