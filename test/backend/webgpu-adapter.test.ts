import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { candidateBackends, isSoftwareAdapter, pickAdapter, probeAdapters, type AdapterReport } from '../../src/project/backend/webgpu/adapter';
import { engine } from '../../src/project/backend/webgpu/loader';
import { checkBindings } from '../../src/project/backend/webgpu/limits';
import { webgpuSkipReason } from './webgpu-available';

const adapter = (over: Partial<AdapterReport>): AdapterReport => ({
  backend: 'vulkan', vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100 80GB HBM3', description: 'NVIDIA: 550.54', software: false,
  limits: {}, features: [], flags: [], adapterOptions: {}, ...over,
});

test('software adapters are recognised by name or the fallback flag; GPUs are not', () => {
  assert.equal(isSoftwareAdapter({ device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'OpenGL version 4.5 (Core Profile) Mesa 22.3.6' }), true);
  assert.equal(isSoftwareAdapter({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' }), true);
  assert.equal(isSoftwareAdapter({ device: 'lavapipe' }), true);
  assert.equal(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', device: 'SwiftShader Device (Subzero)' }), true);
  assert.equal(isSoftwareAdapter({ device: 'Microsoft Basic Render Driver' }), true);
  assert.equal(isSoftwareAdapter({ vendor: 'nvidia', device: 'whatever', isFallbackAdapter: true }), true);
  assert.equal(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100 80GB HBM3', description: 'NVIDIA: 550.54.15' }), false);
  assert.equal(isSoftwareAdapter({ vendor: 'amd', architecture: 'rdna-3', device: 'AMD Radeon RX 7900 XTX (RADV NAVI31)' }), false);
});

test('the automatic pick never takes a software adapter; a forced one may', () => {
  const sw = adapter({ backend: 'opengl', device: 'llvmpipe', software: true });
  const hw = adapter({});
  assert.equal(pickAdapter({ adapters: [sw], errors: [], ms: 0 }, false), undefined);
  assert.equal(pickAdapter({ adapters: [sw], errors: [], ms: 0 }, true), sw);
  assert.equal(pickAdapter({ adapters: [sw, hw], errors: [], ms: 0 }, false), hw);
  assert.equal(pickAdapter({ adapters: [sw, hw], errors: [], ms: 0 }, true), hw);
  // Linux tries Vulkan first and GL only in compatibility mode (Dawn has no full WebGPU on GL).
  const c = candidateBackends('linux');
  assert.equal(c[0].backend, 'vulkan');
  assert.deepEqual(c.filter((x) => x.adapterOptions.featureLevel === 'compatibility').map((x) => x.backend), ['opengl', 'opengles']);
  assert.equal(engine.priority, 10);
});

test('binding guard names the kernel, the tensor and the limit', () => {
  const max = 128 * 2 ** 20;
  assert.equal(checkBindings('Conv2DMMProgram', [{ role: 'x', shape: [2, 64, 64, 16], dtype: 'float32' }], max), 2 * 64 * 64 * 16 * 4);
  assert.throws(
    () => checkBindings('Conv2DMMProgram', [{ role: 'x', shape: [2, 8, 8, 3], dtype: 'float32' }, { role: 'output', shape: [16, 320, 320, 80], dtype: 'float32' }], max),
    /Conv2DMMProgram output tensor \[16,320,320,80\] float32 is 500\.0 MiB, over this adapter's maxStorageBufferBindingSize \(128\.0 MiB\)/,
  );
});

test('Dawn finds the adapter here; auto() declines a software one; loading the engine module prints nothing', (t) => {
  const why = webgpuSkipReason();
  if (why) return t.skip(why);
  const p = probeAdapters();
  assert.ok(p.adapters.length > 0);
  for (const a of p.adapters) {
    assert.ok(a.limits.maxStorageBufferBindingSize > 0, `${a.backend} reports maxStorageBufferBindingSize`);
    assert.equal(a.software, isSoftwareAdapter(a));
  }
  const root = path.resolve(__dirname, '..', '..');
  // auto() in a fresh process: the answer must match the adapters, and stdout/stderr stay empty.
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', "require('./src/project/backend/init'); require('./src/project/backend/webgpu/loader').engine.auto().then((v) => process.exitCode = v ? 10 : 11)"], { cwd: root, encoding: 'utf8' });
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, '');
  const hardware = p.adapters.some((a) => !a.software);
  assert.equal(r.status, hardware ? 10 : 11, `auto() with adapters ${p.adapters.map((a) => `${a.device}${a.software ? ' (software)' : ''}`).join(', ')}`);
});
