/**
 * The types the backend chooser (init.ts) and the engine loaders (native/, webgpu/) share. They live here,
 * apart from init.ts, so that a loader can describe itself without importing the chooser that imports it.
 */
export type BackendName = 'tensorflow' | 'webgpu' | 'native' | 'wasm' | 'cpu';

export interface BackendChoice {
  name: BackendName;
  /** Why this one: what was forced or what failed before it. */
  reason: string;
  /** Backends tried before it, with the error that ruled each out. */
  tried: { name: BackendName; error: string }[];
}

export interface EngineLoader {
  name: BackendName;
  /** Lower comes first in the automatic order. */
  priority: number;
  /** Registers the tfjs backend (or throws with a reason). Returns the tfjs backend name to set. */
  load(): Promise<string>;
  /** Only tried automatically when this returns true (e.g. webgpu needs a hardware adapter). */
  auto?: () => Promise<boolean>;
}
