import { registerWasmKernels } from './kernels';
import { installWasmOps } from './ops';
import { installWasmThreads } from './threads';

let registered = false;

/**
 * Called by init.ts when it loads the wasm backend (idempotent): registers the training kernels that
 * wasm lacks or runs slowly (conv gradients as forward convs, the gather gradient, explicit 'same'
 * padding), installs the fast Conv+BN+SiLU (active only while the wasm backend is), and the threaded
 * wasm build (TACO_WASM_THREADS; default one thread per core), which must precede tf.setBackend('wasm').
 */
export function registerWasmTraining(): void {
  if (registered) return;
  registered = true;
  registerWasmKernels();
  installWasmOps();
  installWasmThreads();
}
