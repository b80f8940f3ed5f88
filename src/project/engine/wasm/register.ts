import { registerWasmKernels } from './kernels';
import { installWasmOps } from './fast_ops';

/**
 * Loaded by backend.ts when it loads the wasm engine: registers the training kernels that wasm lacks or
 * runs slowly (conv gradients as forward convs, the gather gradient, explicit 'same' padding) and installs
 * the fast Conv+BN+SiLU (active only while the wasm backend is).
 */
registerWasmKernels();
installWasmOps();
