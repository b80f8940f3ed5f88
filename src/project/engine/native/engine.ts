import type { EngineLoader } from '../backend';
import { loadAddon } from './addon';
import { NATIVE_BACKEND, registerNativeBackend } from './kernels';
import { installNativeOps } from './native_ops';

/**
 * The native CPU engine: the tfjs cpu backend with oneDNN convolutions and fused Conv+BN+SiLU blocks
 * (a Node-API addon built by `taco native build`). backend.ts picks it up from here; without the addon
 * its load() fails with the reason and the automatic order moves on to wasm.
 */
export const engine: EngineLoader = {
  name: 'native',
  // After wasm (30) until it trains faster than wasm: measured side by side on yolov8n 320 batch 8,
  // native ran 1.14 images/s and wasm 1.74 (its element-wise glue still runs in the cpu backend's JS).
  // `--backend native` or TACO_BACKEND=native selects it.
  priority: 35,
  async load() {
    const addon = loadAddon();
    registerNativeBackend();
    installNativeOps();
    const info = addon.info();
    describe = `oneDNN ${info.onednn}, ${info.threads} threads`;
    return NATIVE_BACKEND;
  },
};

let describe = '';
/** "oneDNN 2.6.3, 2 threads" once loaded (doctor prints it). */
export function nativeDescription(): string {
  return describe;
}
