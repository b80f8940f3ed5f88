import { setTrainKernels } from '../train-kernels';
import type { EngineLoader } from '../types';
import { addInPlace } from './accumulate';
import { loadAddon } from './addon';
import { NATIVE_BACKEND, registerNativeBackend } from './kernels';
import { installNativeOps } from './ops';
import { releasePool, setAllocator } from './memory';
import { fusedEmaUpdate, fusedStep, fusedStepAvailable } from './optimizer-step';

/**
 * The native CPU engine: the tfjs cpu backend with oneDNN convolutions and fused Conv+BN+SiLU blocks
 * (a Node-API addon built by `taco native build`). init.ts picks it up from here; without the addon
 * its load() fails with the reason and the automatic order moves on to wasm.
 */
export const engine: EngineLoader = {
  name: 'native',
  // Before wasm (30): `bench train --backends native,wasm --rounds 3` (yolov8n 320 batch 8, alternating
  // rounds in one run, loaded 2-core machine) measured native 6.8-7.0 images/s and wasm 2.8-2.9, native
  // ahead in every round (and 2.4-4.9x in earlier runs), once the element-wise glue, max-pool, upsample
  // and matmul moved to native code and OpenMP threads stopped spin-waiting.
  priority: 20,
  async load() {
    const addon = loadAddon();
    registerNativeBackend();
    setAllocator((n) => {
      // 64 spare bytes, then the view that starts on a cache line (malloc gives 16-byte alignment).
      const b = Buffer.allocUnsafeSlow(n * 4 + 64);
      return new Float32Array(b.buffer, b.byteOffset + addon.alignPad(b.buffer as ArrayBuffer), n);
    });
    installNativeOps();
    // The trainer's kernels; each checks the active backend when called (fusedStepAvailable, addInPlace).
    setTrainKernels({ fusedStepAvailable, fusedOptimizerStep: fusedStep, fusedEmaUpdate, addInPlace, releaseMemory: releasePool });
    const info = addon.info();
    describe = `oneDNN ${info.onednn}, ${info.threads} threads`;
    return NATIVE_BACKEND;
  },
};

let describe = '';
let winograd: string | undefined;
/**
 * "oneDNN 2.6.3, 2 threads, Winograd 3x3 convolutions (jit_wino_4x3:avx512_core)" once loaded (doctor prints
 * it). Whether Winograd runs depends on the CPU: it is asked of oneDNN on a shape that qualifies.
 */
export function nativeDescription(): string {
  if (!describe) return describe;
  if (winograd === undefined) {
    const impl = loadAddon().convImpl([1, 20, 20, 32, 20, 20, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1], 'f');
    if (/wino/.test(impl)) winograd = `Winograd 3x3 convolutions (${impl})`;
    else if (process.env.TACO_NATIVE_WINOGRAD === '0') winograd = 'direct convolutions only (Winograd off: TACO_NATIVE_WINOGRAD=0)';
    else winograd = `direct convolutions only (no Winograd on this CPU: ${impl})`;
  }
  return `${describe}, ${winograd}`;
}
