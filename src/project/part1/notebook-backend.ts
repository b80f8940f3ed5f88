import '@tensorflow/tfjs-backend-wasm';
import { BackendChoice, initBackend } from '../engine/backend';
import { registerWasmKernels } from '../engine/wasm/kernels';
import { installWasmOps } from '../engine/wasm/fast_ops';
import { installWasmThreads } from '../engine/wasm/threads';

/**
 * initBackend for notebook cells. backend.ts loads the wasm training kernels with a plain
 * `require('./wasm/register')`, which a tslab kernel cannot resolve (it only compiles the TypeScript
 * modules reached through imports; importing register.ts itself, a module without exports, or any
 * `import()` trips tslab's declaration emitter). Without this the wasm backend would lack
 * Conv2DBackpropFilter in a notebook. The three calls are what register.ts does; each is idempotent,
 * so outside a kernel (where backend.ts's require works too) nothing is done twice.
 */
export async function initNotebookBackend(backend?: string): Promise<BackendChoice> {
  const want = backend ?? process.env.TACO_BACKEND;
  if (want === 'wasm') {
    registerWasmKernels();
    installWasmOps();
    installWasmThreads(); // before the backend starts, or it runs single-threaded
    return initBackend({ backend });
  }
  const choice = await initBackend({ backend });
  if (choice.name === 'wasm') {
    registerWasmKernels();
    installWasmOps();
  }
  return choice;
}
