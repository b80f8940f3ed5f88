/**
 * Whether this runtime can run tfjs-backend-wasm's threaded SIMD build: the same feature tests tfjs uses
 * for WASM_HAS_SIMD_SUPPORT and WASM_HAS_MULTITHREAD_SUPPORT (tiny modules validated by WebAssembly).
 */

/**
 * The WebAssembly API, typed here: tslab compiles without the DOM lib, where the global has no value type.
 */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  instantiate(bytes: Uint8Array, imports: WasmImports): Promise<{ instance: object; module: object }>;
}
export type WasmImports = Record<string, Record<string, unknown>>;
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The feature test tfjs uses for WASM_HAS_SIMD_SUPPORT (a tiny module with one SIMD instruction). */
export function wasmHasSimd(): boolean {
  try {
    return wasmApi.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]));
  } catch {
    return false;
  }
}

/** Shared memory and atomics, which the threaded build needs (a tiny module with a shared memory and an atomic load). */
export function wasmHasThreads(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  try {
    return wasmApi.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11]));
  } catch {
    return false;
  }
}
