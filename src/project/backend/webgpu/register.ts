import * as tf from '@tensorflow/tfjs-core';
import { checkBindings } from './limits';
import { GPUBufferUsage, GPUMapMode, GPUShaderStage, GPUTextureUsage } from './gpu-flags';
import { RemoteBuffer, RemoteTexture } from './remote-buffer';
import { RemoteDevice } from './remote-gpu';

/**
 * Registers tfjs' 'webgpu' backend on a remote (worker-hosted) device. tfjs-backend-webgpu registers its
 * kernels when required, and its own backend factory only when `navigator.gpu` exists at that moment, so
 * it is required first and the factory here supplies our device instead.
 */

/** The parts of tfjs' WebGPUBackend we touch (its class is not in tfjs-core's types). */
interface TensorData {
  values: unknown;
  dtype: tf.DataType;
  shape: number[];
  resource: unknown;
}
interface WebGPUBackendLike extends tf.KernelBackend {
  tensorMap: { get(id: object): TensorData };
  commandEncoder: unknown;
  endComputePassEncoder(): void;
  submitQueue(): void;
  convertAndCacheOnCPU(id: object, v: unknown): unknown;
  readSync(id: object): tf.backend_util.BackendValues;
  runWebGPUProgram(program: Program, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms?: unknown, output?: tf.TensorInfo): tf.TensorInfo;
}
interface Program {
  outputShape: number[];
  variableNames: string[];
}

function installGlobals(): void {
  const g = globalThis as Record<string, unknown>;
  Object.assign(g, { GPUBufferUsage, GPUMapMode, GPUTextureUsage, GPUShaderStage, GPUBuffer: RemoteBuffer, GPUTexture: RemoteTexture });
  // tfjs checks `navigator.gpu` before it builds a backend; the object itself is never used.
  const nav = (g.navigator ?? {}) as Record<string, unknown>;
  if (!nav.gpu) Object.defineProperty(nav, 'gpu', { value: { requestAdapter: () => Promise.reject(new Error('use the taco webgpu engine')) }, configurable: true });
  if (!g.navigator) Object.defineProperty(g, 'navigator', { value: nav, configurable: true, writable: true });
}

/** Sync reads: flush the pending commands and block on the worker's copy. */
function patchReadSync(b: WebGPUBackendLike, device: RemoteDevice): void {
  const base = b.readSync.bind(b);
  b.readSync = (dataId: object) => {
    const td = b.tensorMap.get(dataId);
    if (td.values != null || td.dtype === 'string' || td.dtype === 'complex64' || !(td.resource instanceof RemoteBuffer)) return base(dataId);
    if (b.commandEncoder) {
      b.endComputePassEncoder();
      b.submitQueue();
    }
    const bytes = tf.util.sizeFromShape(td.shape) * 4;
    const vals = tf.util.convertBackendValuesAndArrayBuffer(device.readBufferSync(td.resource, bytes), td.dtype);
    b.convertAndCacheOnCPU(dataId, vals);
    return vals as tf.backend_util.BackendValues;
  };
}

function guardBindings(b: WebGPUBackendLike, maxBinding: number): void {
  const run = b.runWebGPUProgram.bind(b);
  b.runWebGPUProgram = (program, inputs, dtype, uniforms, output) => {
    const bindings = inputs.map((t, i) => ({ role: program.variableNames[i] ?? `input ${i}`, shape: t.shape, dtype: t.dtype as string }));
    bindings.push({ role: 'output', shape: output ? output.shape : program.outputShape, dtype });
    checkBindings(program.constructor.name, bindings, maxBinding);
    return run(program, inputs, dtype, uniforms, output);
  };
}

export function registerWebgpuBackend(device: RemoteDevice): void {
  const mod = require('@tensorflow/tfjs-backend-webgpu') as { WebGPUBackend: new (d: unknown, info: unknown) => WebGPUBackendLike };
  installGlobals();
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  // Low priority: tfjs must never pick this on its own; init.ts selects it explicitly.
  tf.registerBackend(
    'webgpu',
    () => {
      const b = new mod.WebGPUBackend(device, device.adapterInfo);
      patchReadSync(b, device);
      guardBindings(b, device.limits.maxStorageBufferBindingSize ?? 2 ** 27);
      return b;
    },
    1,
  );
}
