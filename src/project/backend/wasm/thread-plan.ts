import * as os from 'os';

/**
 * How many threads the wasm backend gets: the TACO_WASM_THREADS setting (unset/'auto' = one per core, '0'
 * or '1' = the stock single-threaded build, N >= 2 = N threads), capped at the pthread pool that
 * tfjs-backend-wasm's threaded build preallocates. Pure, apart from counting the cores.
 */

/** tfjs's C++ never makes a larger XNNPACK pool, and emscripten's glue preallocates this many pthread workers. */
export const MAX_WASM_THREADS = 8;

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

export function availableCores(): number {
  const ap = (os as { availableParallelism?: () => number }).availableParallelism;
  return typeof ap === 'function' ? ap() : os.cpus().length;
}
