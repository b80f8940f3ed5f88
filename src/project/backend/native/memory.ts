import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/**
 * Tensor memory on the `native` backend (a tfjs cpu backend): zero-copy access to a tensor's
 * Float32Array, and a pool that hands the arrays of disposed tensors back to the next op that needs
 * the same size. A training step allocates the same few hundred activation and gradient arrays every
 * step; fresh ones cost page faults plus V8 external-memory GCs (about 80 ms of a 350 ms yolov8n
 * step at 320), reused ones cost nothing.
 *
 * The pool only recycles an array it can prove unshared: handed out by `uninit`, owned by exactly one
 * tensor, never read out through `dataSync`/`data` (user code may keep that array past dispose), never
 * viewed by another tensor (the cpu backend's contiguous slice is a `subarray` view). Anything else
 * "escapes" and is left to the garbage collector.
 */

const MIN_POOLED_BYTES = 8192;
/**
 * Free arrays kept at most (bytes): 40% of the machine's memory. In steady state the pool holds what one
 * step allocated (11 GB for yolov8s at 640, batch 16), so a cap below that would re-allocate, page-fault
 * and garbage-collect gigabytes every step.
 */
const MAX_FREE_BYTES = 0.4 * os.totalmem();

/** Bytes `uninit` served from the pool and freshly, since the last `takePoolStats`. */
const stats = { reused: 0, fresh: 0 };
export function takePoolStats(): { reusedBytes: number; freshBytes: number } {
  const r = { reusedBytes: stats.reused, freshBytes: stats.fresh };
  stats.reused = stats.fresh = 0;
  return r;
}

const free = new Map<number, Float32Array[]>();
let freeBytes = 0;
/** Arrays from `uninit` that may still come back: ArrayBuffer -> its one Float32Array. */
const pooledByBuffer = new WeakMap<ArrayBufferLike, Float32Array>();
/** Pooled arrays now held by a tensor. */
const owned = new WeakSet<Float32Array>();
/** Pooled arrays sitting in `free` (guards against giving one back twice). */
const isFree = new WeakSet<Float32Array>();

/** Reads the backing array of a tensor without marking it escaped (engine-internal reads only). */
export function f32(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`native engine: expected a float32 tensor, got ${t.dtype}`);
  const b = tf.backend() as unknown as Partial<MathBackendCPU>;
  const d = b.data?.has(t.dataId) ? b.data.get(t.dataId).values : t.dataSync();
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
}

type Storage = { values: unknown; refCount: number };

/**
 * The backend's own array for `t` when only `t` refers to it, for in-place updates (optimizer slots,
 * BN running statistics). A dataId is shared by clones, reshapes and variables made from a tensor
 * (ModelEma's shadow starts as `tf.variable(v.clone())`), and writing into a shared array would change
 * those too: callers assign a fresh tensor instead when this returns undefined.
 */
export function ownArray(t: tf.Tensor): Float32Array | undefined {
  const backend = tf.engine().backend as unknown as MathBackendCPU;
  if (!backend.data?.has(t.dataId)) return undefined;
  const d = backend.data.get(t.dataId) as Storage;
  if (d.refCount !== 1 || !(d.values instanceof Float32Array) || d.values.length !== t.size) return undefined;
  // The caller is about to change the tensor's values without changing its dataId.
  inPlaceGeneration++;
  return d.values;
}

/**
 * Updates variables' values through `write`, in place where a variable owns its array. A variable whose
 * array is shared gets a private copy that `write` updates and the variable is re-pointed at (it then
 * owns it, so its next update runs in place).
 */
export function updateInPlace(vars: tf.Variable[], write: (arrays: Float32Array[]) => void): void {
  const own = vars.map((v) => ownArray(v));
  const arrays = vars.map((v, i) => own[i] ?? Float32Array.from(f32(v)));
  write(arrays);
  vars.forEach((v, i) => {
    // tf.tensor adopts the Float32Array on the cpu-derived backend; the variable then holds the only reference.
    if (!own[i]) tf.tidy(() => v.assign(tf.tensor(arrays[i], v.shape, 'float32')));
  });
}

let inPlaceGeneration = 0;
/**
 * Counts in-place writes (optimizer, EMA, BN running statistics through `ownArray`). Caches keyed by
 * dataId (the folded inference kernels) must also compare this: an in-place update keeps the dataId.
 */
export function inPlaceWrites(): number {
  return inPlaceGeneration;
}

export function adopt<R extends tf.Rank>(data: Float32Array, shape: number[]): tf.Tensor<R> {
  return tf.tensor(data, shape as tf.ShapeMap[R], 'float32') as tf.Tensor<R>;
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * A Float32Array for an output that native code overwrites completely: a pooled one of that size when
 * there is one, else a fresh one from `allocator` (its own ArrayBuffer, no zero fill). Small ones come
 * from the zeroing constructor and are not pooled.
 */
export function uninit(n: number): Float32Array {
  if (n * 4 < MIN_POOLED_BYTES) return new Float32Array(n);
  const list = free.get(n);
  if (list && list.length > 0) {
    freeBytes -= n * 4;
    stats.reused += n * 4;
    const a = list.pop() as Float32Array;
    isFree.delete(a);
    return a;
  }
  stats.fresh += n * 4;
  const a = allocator(n);
  pooledByBuffer.set(a.buffer, a);
  return a;
}

/** Each array on its own ArrayBuffer (allocUnsafeSlow never shares Node's buffer pool), without the zero fill. */
let allocator = (n: number): Float32Array => {
  const b = Buffer.allocUnsafeSlow(n * 4);
  return new Float32Array(b.buffer, b.byteOffset, n);
};

/** The native engine sets its 64-byte-aligned allocator here when it loads (one ArrayBuffer per array). */
export function setAllocator(alloc: (n: number) => Float32Array): void {
  allocator = alloc;
}

function escape(parent: Float32Array): void {
  pooledByBuffer.delete(parent.buffer);
  owned.delete(parent);
}

/** A tensor is being given `values`: the first owner of a pooled array keeps it poolable, any other use escapes it. */
export function noteWrite(values: unknown): void {
  if (!ArrayBuffer.isView(values)) return;
  const parent = pooledByBuffer.get(values.buffer);
  if (!parent) return;
  if (values !== parent || owned.has(parent)) escape(parent);
  else owned.add(parent);
}

/** `values` left the engine (dataSync, data, a move to another backend): never recycle it. */
export function noteEscape(values: unknown): void {
  if (!ArrayBuffer.isView(values)) return;
  const parent = pooledByBuffer.get(values.buffer);
  if (parent) escape(parent);
}

/** The tensor owning `values` was disposed: its array may serve the next `uninit` of that size. */
export function noteDisposed(values: unknown): void {
  if (!(values instanceof Float32Array) || !owned.has(values) || pooledByBuffer.get(values.buffer) !== values) return;
  owned.delete(values);
  putFree(values);
}

function putFree(values: Float32Array): void {
  if (isFree.has(values)) return;
  if (freeBytes + values.byteLength > MAX_FREE_BYTES) {
    pooledByBuffer.delete(values.buffer);
    return;
  }
  const list = free.get(values.length);
  if (list) list.push(values);
  else free.set(values.length, [values]);
  isFree.add(values);
  freeBytes += values.byteLength;
}

/**
 * Gives back a scratch array from `uninit` that no tensor holds (e.g. a BN gradient consumed by the conv
 * backward): the caller promises not to touch it again. Arrays a tensor owns or that escaped are ignored.
 */
export function release(a: Float32Array): void {
  if (pooledByBuffer.get(a.buffer) !== a || owned.has(a)) return;
  putFree(a);
}

/** A zero-filled array, pooled like `uninit`'s (for gradients that are mostly zeros). */
export function zeros(n: number): Float32Array {
  const a = uninit(n);
  return n * 4 < MIN_POOLED_BYTES ? a : a.fill(0);
}

/** Drops every free array (the pool refills on the next step); `taco` calls it between configurations. */
export function releasePool(): void {
  free.clear();
  freeBytes = 0;
}

/** Bytes held free in the pool now. */
export function pooledFreeBytes(): number {
  return freeBytes;
}
