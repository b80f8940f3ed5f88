import { mib } from './remote-gpu';

/**
 * WebGPU binds each tensor as one storage buffer, and a binding may not exceed the adapter's
 * maxStorageBufferBindingSize (128 MiB on many GL/mobile adapters, 2-4 GiB on desktop Vulkan). Dawn would
 * reject the dispatch asynchronously and leave garbage behind; checking first gives an error that names
 * the kernel, the tensor and the limit.
 */
export interface Binding {
  role: string; // the kernel's name for it: x, W, dy, output, ...
  shape: number[];
  dtype: string;
}

export function bindingBytes(b: Binding): number {
  // complex64 is two float32 planes, bound separately
  return b.shape.reduce((a, d) => a * d, 1) * 4;
}

/** Throws when a binding is too large; returns the largest binding's size otherwise. */
export function checkBindings(kernel: string, bindings: Binding[], maxBinding: number): number {
  let largest = 0;
  for (const b of bindings) {
    const bytes = bindingBytes(b);
    largest = Math.max(largest, bytes);
    if (bytes > maxBinding) {
      throw new Error(
        `webgpu: ${kernel} ${b.role} tensor [${b.shape.join(',')}] ${b.dtype} is ${mib(bytes)}, over this adapter's ` +
          `maxStorageBufferBindingSize (${mib(maxBinding)}). Use a smaller --batch or --imgsz, or another backend (--backend tensorflow|wasm).`,
      );
    }
  }
  return largest;
}
