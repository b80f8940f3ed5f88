import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

/**
 * Finding a WebGPU adapter through Dawn (the npm package `webgpu`, which ships dawn.node prebuilt for
 * linux/darwin/win32). Probing runs in a child process: Dawn writes its discovery warnings ("Couldn't load
 * Vulkan", limit notes) straight to the process's stderr, which our commands must keep clean.
 */

export interface AdapterReport {
  /** Dawn backend that found it: vulkan, metal, d3d12, opengl, opengles. */
  backend: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU rasteriser (llvmpipe, lavapipe, SwiftShader, WARP): correct but far slower than any GPU. */
  software: boolean;
  limits: Record<string, number>;
  features: string[];
  /** What to pass to dawn.node's create() and requestAdapter() to get this adapter again. */
  flags: string[];
  adapterOptions: Record<string, unknown>;
}

export interface ProbeResult {
  adapters: AdapterReport[];
  /** Why each backend found nothing. */
  errors: string[];
  ms: number;
}

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software|microsoft basic render|\bwarp\b/i;

/** Software adapters never count as "a GPU" for the automatic choice (they would be slower than wasm). */
export function isSoftwareAdapter(info: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }): boolean {
  if (info.isFallbackAdapter) return true;
  return [info.vendor, info.architecture, info.device, info.description].some((s) => typeof s === 'string' && SOFTWARE.test(s));
}

/** dawn.node for this platform, or a reason it is missing. The package is ESM, so we load the addon directly. */
export function locateDawn(): { path: string } | { error: string } {
  let dir: string;
  try {
    dir = path.dirname(require.resolve('webgpu/package.json'));
  } catch {
    return { error: 'the optional package "webgpu" (Dawn for Node) is not installed' };
  }
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const p = path.join(dir, 'dist', `${process.platform}-${arch}`, 'dawn.node');
  return fs.existsSync(p) ? { path: p } : { error: `webgpu ships no dawn.node for ${process.platform}-${arch}` };
}

/**
 * Cheap pre-check before starting Dawn: on Linux a GPU shows up as a device node. Without one the
 * automatic order skips webgpu at once instead of spending a child process on it.
 */
export function hasGpuDeviceNode(): boolean {
  if (process.platform !== 'linux') return true;
  if (['/dev/nvidiactl', '/dev/nvidia0', '/dev/kfd', '/dev/dxg'].some((p) => fs.existsSync(p))) return true;
  try {
    return fs.readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  } catch {
    return false;
  }
}

/** Dawn backends to try, best first. GL needs compatibility mode (no full WebGPU on GL). */
export function candidateBackends(platform = process.platform): { backend: string; flags: string[]; adapterOptions: Record<string, unknown> }[] {
  const hp: Record<string, unknown> = { powerPreference: 'high-performance' };
  const native = platform === 'darwin' ? ['metal'] : platform === 'win32' ? ['d3d12', 'vulkan'] : ['vulkan'];
  const out = native.map((b) => ({ backend: b, flags: [`backend=${b}`], adapterOptions: hp }));
  if (platform === 'linux') {
    for (const b of ['opengl', 'opengles']) out.push({ backend: b, flags: [`backend=${b}`], adapterOptions: { ...hp, featureLevel: 'compatibility' } });
  }
  return out;
}

/**
 * Headless EGL: without a display Mesa (and NVIDIA's EGL) needs the surfaceless platform. Set before Dawn
 * loads; an explicit setting by the user wins.
 */
export function headlessEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return env.EGL_PLATFORM || env.DISPLAY || env.WAYLAND_DISPLAY ? env : { ...env, EGL_PLATFORM: 'surfaceless' };
}

const PROBE_SCRIPT = `
const [dawnPath, candidates] = JSON.parse(process.argv[1]);
const { create } = require(dawnPath);
(async () => {
  const adapters = [], errors = [];
  for (const c of candidates) {
    try {
      const a = await create(c.flags).requestAdapter(c.adapterOptions);
      if (!a) { errors.push(c.backend + ': no adapter'); continue; }
      const i = a.info, limits = {};
      for (const k in a.limits) if (typeof a.limits[k] === 'number') limits[k] = a.limits[k];
      adapters.push({ backend: c.backend, vendor: i.vendor, architecture: i.architecture, device: i.device,
        description: i.description, isFallbackAdapter: !!i.isFallbackAdapter, limits, features: [...a.features],
        flags: c.flags, adapterOptions: c.adapterOptions });
    } catch (e) { errors.push(c.backend + ': ' + (e && e.message ? e.message.split('\\n')[0] : e)); }
  }
  process.stdout.write(JSON.stringify({ adapters, errors }));
  process.exit(0);
})();
`;

let cached: ProbeResult | undefined;

/** Lists the adapters Dawn finds (once per process; a child process, ~0.2-1 s). */
export function probeAdapters(): ProbeResult {
  if (cached) return cached;
  const t0 = Date.now();
  const dawn = locateDawn();
  if ('error' in dawn) return (cached = { adapters: [], errors: [dawn.error], ms: 0 });
  const r = spawnSync(process.execPath, ['-e', PROBE_SCRIPT, JSON.stringify([dawn.path, candidateBackends()])], {
    env: headlessEnv(),
    encoding: 'utf8',
    timeout: 30_000,
  });
  const ms = Date.now() - t0;
  if (r.status !== 0 || !r.stdout) {
    const why = r.error ? r.error.message : (r.stderr || `exit ${r.status ?? r.signal}`).trim().split('\n').slice(-1)[0];
    return (cached = { adapters: [], errors: [`adapter probe failed: ${why}`], ms });
  }
  const parsed = JSON.parse(r.stdout) as { adapters: (AdapterReport & { isFallbackAdapter: boolean })[]; errors: string[] };
  const adapters = parsed.adapters.map(({ isFallbackAdapter, ...a }) => ({ ...a, software: isSoftwareAdapter({ ...a, isFallbackAdapter }) }));
  return (cached = { adapters, errors: parsed.errors, ms });
}

/** The adapter the engine opens: a hardware one if any, else (only when allowed) a software one. */
export function pickAdapter(probe: ProbeResult, allowSoftware: boolean): AdapterReport | undefined {
  return probe.adapters.find((a) => !a.software) ?? (allowSoftware ? probe.adapters.find((a) => a.software) : undefined);
}

export function describeAdapter(a: AdapterReport): string {
  const name = [a.vendor, a.architecture, a.device].filter(Boolean).join(' ') || '(unnamed)';
  return `${name} via ${a.backend}${a.software ? ' [software]' : ''}${a.description ? ` (${a.description})` : ''}`;
}

/** The limits that decide what fits: binding sizes bound the largest tensor, workgroup limits the kernels. */
export const KEY_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
] as const;
