import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Loads the oneDNN addon built by `taco native build`. Everything native goes through this one
 * typed interface; every buffer is a Float32Array owned by JavaScript (NHWC activations, HWIO kernels).
 */
export interface NativeAddon {
  /** geometry: see `convGeometry`. `act` 1 fuses SiLU (inference only). */
  convForward(g: number[], x: Float32Array, w: Float32Array, bias: Float32Array | null, act: number, training: boolean, y: Float32Array): void;
  convBackwardData(g: number[], dy: Float32Array, w: Float32Array, dx: Float32Array): void;
  convBackwardWeights(g: number[], x: Float32Array, dy: Float32Array, dw: Float32Array, db: Float32Array | null): void;
  bnActForwardTrain(
    m: number, c: number, z: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number, act: number,
    y: Float32Array, mean: Float32Array, variance: Float32Array, invstd: Float32Array,
  ): void;
  bnActBackward(
    m: number, c: number, dy: Float32Array, z: Float32Array, gamma: Float32Array, beta: Float32Array, mean: Float32Array,
    invstd: Float32Array, act: number, dz: Float32Array, dgamma: Float32Array, dbeta: Float32Array,
  ): void;
  concatChannels(m: number, parts: Float32Array[], out: Float32Array): void;
  splitChannels(m: number, x: Float32Array, outs: Float32Array[]): void;
  addInto(a: Float32Array, b: Float32Array, out: Float32Array): void;
  info(): { onednn: string; threads: number };
  setThreads(n: number): void;
}

/** The repository root (this file is src/project/engine/native/addon.ts). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
/** Where `taco native build` stages the sources and where node-gyp leaves the addon. */
export const buildDir = path.join(repoRoot, 'build', 'native');
export const addonPath = path.join(buildDir, 'build', 'Release', 'taco_native.node');

let cached: NativeAddon | undefined;
let failure: string | undefined;

/** The addon, or an Error saying why it is unavailable (not built, or built but not loadable). */
export function loadAddon(): NativeAddon {
  if (cached) return cached;
  if (failure) throw new Error(failure);
  const file = process.env.TACO_NATIVE_ADDON ?? addonPath;
  if (!fs.existsSync(file)) {
    failure = `addon not built (${path.relative(process.cwd(), file) || file} is missing; run \`npx taco native build\`, which needs g++ and libdnnl-dev)`;
    throw new Error(failure);
  }
  try {
    cached = require(file) as NativeAddon;
    return cached;
  } catch (e) {
    failure = `addon ${file} failed to load: ${String((e as Error).message ?? e).split('\n')[0]}`;
    throw new Error(failure);
  }
}

/** Whether the addon loads, without throwing (tests skip on `addonUnavailable()`). */
export function addonUnavailable(): string | undefined {
  try {
    loadAddon();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
