import { locateDawn, probeAdapters } from '../../src/project/backend/webgpu/adapter';

/**
 * Why the webgpu tests cannot run here, or undefined when Dawn finds an adapter (hardware, or the
 * software llvmpipe that CI gets from libegl1 + libegl-mesa0 + libgl1-mesa-dri).
 */
export function webgpuSkipReason(): string | undefined {
  const dawn = locateDawn();
  if ('error' in dawn) return `${dawn.error}: webgpu tests skipped`;
  const p = probeAdapters();
  if (p.adapters.length === 0) return `Dawn found no adapter (${p.errors.join('; ')}); install libegl1 libegl-mesa0 libgl1-mesa-dri for the software one: skipped`;
  return undefined;
}
