import type { EngineLoader } from '../types';
import { describeAdapter, hasGpuDeviceNode, headlessEnv, locateDawn, pickAdapter, probeAdapters, type AdapterReport } from './adapter';

/**
 * The webgpu engine: tfjs-backend-webgpu on Dawn (npm `webgpu`), which reaches NVIDIA/AMD/Intel GPUs
 * through Vulkan whatever CUDA version the server has. Chosen automatically only for a hardware adapter;
 * a software one (llvmpipe, SwiftShader, lavapipe) is used only when webgpu is forced
 * (TACO_BACKEND=webgpu or --backend webgpu), which is how CI tests this path on CPUs.
 *
 * This module is required whenever init.ts loads, so it only touches node builtins until used.
 */

export interface WebgpuState {
  adapter: AdapterReport;
}

let state: WebgpuState | undefined;

/** The adapter the loaded engine runs on (undefined before load). */
export function webgpuState(): WebgpuState | undefined {
  return state;
}

export const engine: EngineLoader = {
  name: 'webgpu',
  priority: 10,
  async auto() {
    if ('error' in locateDawn() || !hasGpuDeviceNode()) return false;
    return pickAdapter(probeAdapters(), false) !== undefined;
  },
  async load() {
    if (state) return 'webgpu';
    const dawn = locateDawn();
    if ('error' in dawn) throw new Error(dawn.error);
    const probe = probeAdapters();
    const adapter = pickAdapter(probe, true);
    if (!adapter) throw new Error(`Dawn found no WebGPU adapter (${probe.errors.join('; ') || 'none listed'})`);
    // The worker's Dawn reads EGL_PLATFORM from the process environment.
    const env = headlessEnv();
    if (env.EGL_PLATFORM && !process.env.EGL_PLATFORM) process.env.EGL_PLATFORM = env.EGL_PLATFORM;
    const { openRemoteDevice } = await import('./remote-gpu');
    const { registerWebgpuBackend } = await import('./register');
    let device;
    try {
      device = openRemoteDevice({ dawnPath: dawn.path, flags: adapter.flags, adapterOptions: adapter.adapterOptions });
    } catch (e) {
      throw new Error(`could not open ${describeAdapter(adapter)}: ${(e as Error).message}`);
    }
    registerWebgpuBackend(device);
    state = { adapter };
    return 'webgpu';
  },
};
