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
  /** Both gradients of a convolution in one call (dy is reordered once where both passes need another layout). */
  convBackward(g: number[], x: Float32Array, dy: Float32Array, w: Float32Array, dx: Float32Array, dw: Float32Array, db: Float32Array | null): void;
  /** oneDNN's implementation name for a training pass of this geometry: 'f' forward, 'd' backward-data, 'w' backward-weights. */
  convImpl(g: number[], pass: 'f' | 'd' | 'w'): string;
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
  /** out = a OP b over a collapsed broadcast shape; strides in elements, 0 where broadcast. See ELTWISE_OPS. */
  binaryOp(op: number, shape: number[], aStrides: number[], bStrides: number[], a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** out[o, i] = sum over m of x[o, m, i]. */
  sumMiddle(outer: number, mid: number, inner: number, x: Float32Array, out: Float32Array): void;
  sliceCopy(shape: number[], begin: number[], size: number[], x: Float32Array, out: Float32Array): void;
  /** NHWC k x k max-pool, stride 1, pad k/2; `arg` receives the flat input pixel of each maximum. */
  maxPoolSame(n: number, h: number, w: number, c: number, k: number, x: Float32Array, y: Float32Array, arg: Int32Array): void;
  maxPoolSameBackward(n: number, h: number, w: number, c: number, dy: Float32Array, arg: Int32Array, dx: Float32Array): void;
  /** Nearest 2x upsample of x [n, h, w, c] into y [n, 2h, 2w, c], and its gradient. */
  upsample2x(n: number, h: number, w: number, c: number, x: Float32Array, y: Float32Array): void;
  upsample2xBackward(n: number, h: number, w: number, c: number, dy: Float32Array, dx: Float32Array): void;
  /** c[b] = op(a[b]) x op(b[b]) (row-major [m, k] x [k, n] before transposes); a batch of 1 broadcasts. */
  matmul(batchA: number, batchB: number, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean, a: Float32Array, b: Float32Array, c: Float32Array): void;
  /**
   * One optimizer step on p and its moment buffers in place (kind 0 SGD, 1 Adam, 2 AdamW; v only for
   * Adam). hyper: SGD [lr, momentum, wd, first 0|1]; Adam [beta1, 1-beta1, beta2, 1-beta2, eps, l2, keep, sqrtBc2, stepSize].
   */
  optimizerStep(kind: number, p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array | null, hyper: number[]): void;
  /** Every anchor's sigmoid scores [rows, nc] and DFL distances [rows, 4] from head rows [rows, no]. */
  decodeAnchors(rows: number, no: number, regMax: number, nc: number, d: Float32Array, scores: Float32Array, ltrb: Float32Array): void;
  /** Class BCE summed over rows (target score[r] on label[r], -1 none); k*(sigmoid - target) into grad. */
  clsBce(rows: number, no: number, off: number, nc: number, d: Float32Array, label: Int32Array, score: Float32Array, k: number, grad: Float32Array | null): number;
  /** e = d*e + (1-d)*v in place. */
  emaUpdate(e: Float32Array, v: Float32Array, d: number): void;
  /** Bytes from the start of `buffer`'s memory to its first 64-byte boundary. */
  alignPad(buffer: ArrayBuffer): number;
  info(): { onednn: string; threads: number };
  setThreads(n: number): void;
}

/** The repository root (this file is src/project/backend/native/addon.ts). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
/** Where `taco native build` stages the sources and where node-gyp leaves the addon. */
export const buildDir = path.join(repoRoot, 'build', 'native');
export const addonPath = path.join(buildDir, 'build', 'Release', 'taco_native.node');

let cached: NativeAddon | undefined;
let failure: string | undefined;

/** The addon, or an Error saying why it is unavailable (not built, or built but not loadable). */
/** Newest modification time of the addon's C++ sources (native/*.cc, *.h, *.gyp); 0 without them. */
export function sourcesMtimeMs(): number {
  const src = path.join(repoRoot, 'native');
  if (!fs.existsSync(src)) return 0;
  return Math.max(0, ...fs.readdirSync(src).filter((f) => /\.(cc|h|gyp)$/.test(f)).map((f) => fs.statSync(path.join(src, f)).mtimeMs));
}

/** Why the built addon cannot be used as it is (missing, or older than its sources), or undefined. */
export function addonBuildProblem(file = addonPath): string | undefined {
  if (!fs.existsSync(file)) return `addon not built (${path.relative(process.cwd(), file) || file} is missing; run \`npx taco native build\`, which needs g++ and libdnnl-dev)`;
  // An addon built from older sources lacks functions the TypeScript side now calls: rebuild, never load it.
  if (file === addonPath && fs.statSync(file).mtimeMs < sourcesMtimeMs()) return 'addon is older than native/ sources (run `npx taco native build` again)';
  return undefined;
}

export function loadAddon(): NativeAddon {
  if (cached) return cached;
  if (failure) throw new Error(failure);
  const file = process.env.TACO_NATIVE_ADDON ?? addonPath;
  const problem = addonBuildProblem(file);
  if (problem) {
    failure = problem;
    throw new Error(failure);
  }
  // libgomp reads its wait policy once, when the addon (and libdnnl) load. Its default spins waiting
  // threads for 300k iterations at every barrier; on a busy machine (or while JavaScript runs between
  // native calls) the spinners steal the cores and a training step ran 4x slower than with sleeping
  // waits. A short spin (10k) keeps back-to-back native calls from paying a futex wake-up each:
  // yolov8n 320 batch 8 steps took 261-266 ms with it, 283-297 ms passive, 270-280 ms always spinning.
  if (process.env.OMP_WAIT_POLICY === undefined && process.env.GOMP_SPINCOUNT === undefined) process.env.GOMP_SPINCOUNT = '10000';
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

/**
 * Times every addon call until `stop()` (the benchmarks' profile: native work inside custom
 * gradients is invisible to tf.profile, which only sees kernels). Returns per-function totals.
 */
export function timeAddonCalls(): { stop(): { name: string; ms: number; calls: number }[] } {
  const addon = loadAddon() as unknown as Record<string, unknown>;
  const saved = new Map<string, (...a: unknown[]) => unknown>();
  const totals = new Map<string, { ms: number; calls: number }>();
  for (const [name, f] of Object.entries(addon)) {
    if (typeof f !== 'function' || name === 'info' || name === 'setThreads') continue;
    const fn = f as (...a: unknown[]) => unknown;
    saved.set(name, fn);
    addon[name] = (...a: unknown[]) => {
      const t0 = performance.now();
      try {
        return fn(...a);
      } finally {
        const t = totals.get(name) ?? { ms: 0, calls: 0 };
        t.ms += performance.now() - t0;
        t.calls++;
        totals.set(name, t);
      }
    };
  }
  return {
    stop() {
      for (const [name, fn] of saved) addon[name] = fn;
      return [...totals].map(([name, t]) => ({ name, ...t })).sort((a, b) => b.ms - a.ms);
    },
  };
}
