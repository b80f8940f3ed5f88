/**
 * A `torch.save` zip checkpoint (PyTorch's serialization format since 1.6, `torch/serialization.py`):
 * `<archive>/data.pkl` is a pickle whose tensors are persistent ids
 * `('storage', <storage class>, key, location, numel)` pointing at the raw little-endian record
 * `<archive>/data/<key>`; tensors come from `torch._utils._rebuild_tensor_v2(storage, offset, size,
 * stride, requires_grad, backward_hooks[, metadata])` and parameters from `_rebuild_parameter(tensor,
 * requires_grad, backward_hooks)`. `<archive>/byteorder` (absent in older files) says 'little'.
 *
 * The torch functions in `TORCH_REDUCERS` are interpreted here, by name, into `TensorRef` records;
 * nothing the pickle names is imported or called (see pickle.ts). Tensor values are read on demand
 * (`materialize`), so unused parts of a checkpoint (an optimizer, the non-EMA model) cost nothing.
 */

import { PyGlobal, PyValue, Reducer, describe, unpickle } from './pickle';
import { DTYPE_GLOBALS, ELEMENT_BYTES, RawArray, STORAGE_TYPES, TensorData, TorchDtype, rawView, widen } from './dtypes';
import { ZipReader } from './zip';

/** A persistent id resolved to its record: a storage of `numel` elements (bytes for untyped storage). */
export class StorageRef {
  constructor(readonly key: string, readonly dtype: TorchDtype | null, readonly numel: number, readonly location: string) {}
}

/** A tensor view on a storage, as _rebuild_tensor_* describes it; values are read by `materialize`. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly dtype: TorchDtype,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
    public isParameter = false,
  ) {}
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
}

export interface PtTensor {
  dtype: TorchDtype;
  shape: number[];
  data: TensorData;
}

export interface TorchArchive {
  source: string;
  /** The archive's folder name inside the zip (`yolov8n` for `yolov8n/data.pkl`). */
  prefix: string;
  /** The unpickled data.pkl: Maps, arrays, inert PyObjects, and TensorRefs. */
  root: PyValue;
  materialize(t: TensorRef, name?: string): PtTensor;
}

const nonNegInt = (v: PyValue): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function intList(v: PyValue, what: string, fail: (m: string) => never): number[] {
  if (!Array.isArray(v) || !v.every(nonNegInt)) fail(`${what} must be a tuple of non-negative ints, got ${describe(v)}`);
  return (v as number[]).slice();
}

function rebuild(storage: PyValue, offset: PyValue, size: PyValue, stride: PyValue, dtype: TorchDtype | null, fail: (m: string) => never): TensorRef {
  if (!(storage instanceof StorageRef)) fail(`a tensor's storage must be a persistent storage record, got ${describe(storage)}`);
  const s = storage as StorageRef;
  const dt = dtype ?? s.dtype;
  if (!dt) fail('an untyped storage needs a dtype (_rebuild_tensor_v3)');
  if (!nonNegInt(offset)) fail(`storage offset must be a non-negative int, got ${describe(offset)}`);
  const shape = intList(size, 'size', fail);
  const strides = intList(stride, 'stride', fail);
  if (shape.length !== strides.length) fail(`size [${shape}] and stride [${strides}] differ in length`);
  return new TensorRef(s, dt!, offset as number, shape, strides);
}

const rebuildV2: Reducer = (a, at) => rebuild(a[0], a[1], a[2], a[3], null, at.fail);

/** The fixed allow-list of torch functions this reader interprets (as data, never by calling them). */
export const TORCH_REDUCERS = new Map<string, Reducer>([
  ['torch._utils._rebuild_tensor_v2', rebuildV2],
  ['torch._utils._rebuild_tensor', rebuildV2],
  ['torch._utils._rebuild_tensor_v3', (a, at) => {
    const g = a[6];
    const dt = g instanceof PyGlobal ? DTYPE_GLOBALS.get(g.qualname) : undefined;
    if (!dt) at.fail(`_rebuild_tensor_v3: unsupported dtype ${describe(g)}`);
    return rebuild(a[0], a[1], a[2], a[3], dt!, at.fail);
  }],
  ['torch._utils._rebuild_parameter', (a, at) => {
    if (!(a[0] instanceof TensorRef)) at.fail(`_rebuild_parameter expects a tensor, got ${describe(a[0])}`);
    (a[0] as TensorRef).isParameter = true;
    return a[0];
  }],
  ['torch._utils._rebuild_parameter_with_state', (a, at) => {
    if (!(a[0] instanceof TensorRef)) at.fail(`_rebuild_parameter_with_state expects a tensor, got ${describe(a[0])}`);
    (a[0] as TensorRef).isParameter = true;
    return a[0];
  }],
  // torch.Size is a tuple subclass: its one argument is the tuple.
  ['torch.Size', (a) => (Array.isArray(a[0]) ? a[0] : [])],
]);

/** Opens a torch.save zip held in `buf`; `source` names the file in errors. */
export function openTorchArchive(buf: Uint8Array, source: string): TorchArchive {
  const zip = new ZipReader(buf, source);
  const pkls = [...zip.entries.keys()].filter((k) => /^[^/]+\/data\.pkl$/.test(k) || k === 'data.pkl');
  if (pkls.length === 0) {
    const some = [...zip.entries.keys()].slice(0, 3).join(', ');
    throw new Error(`${source}: a zip file but not a PyTorch checkpoint (no <archive>/data.pkl; it holds ${zip.entries.size} entries${some ? `: ${some}${zip.entries.size > 3 ? ', ...' : ''}` : ''})`);
  }
  if (pkls.length > 1) throw new Error(`${source}: ${pkls.length} data.pkl records (${pkls.join(', ')}); a checkpoint has one`);
  const pklName = pkls[0];
  const prefix = pklName.includes('/') ? pklName.slice(0, pklName.indexOf('/')) : '';
  const record = (name: string): string => (prefix ? `${prefix}/${name}` : name);
  if (zip.has(record('byteorder'))) {
    const order = Buffer.from(zip.read(record('byteorder'))).toString('latin1').trim();
    if (order !== 'little') throw new Error(`${source}: byteorder '${order}': only little-endian checkpoints are supported`);
  }

  const storages = new Map<string, StorageRef>();
  const persistentLoad = (pid: PyValue): PyValue => {
    const fail = (m: string): never => {
      throw new Error(`${source}: ${pklName}: ${m}`);
    };
    if (!Array.isArray(pid) || pid.length < 5 || pid[0] !== 'storage') fail(`persistent id ${describe(pid)} is not ('storage', type, key, location, numel)`);
    const [, type, key, location, numel] = pid as PyValue[];
    if (!(type instanceof PyGlobal)) return fail(`storage type ${describe(type)} is not a torch storage class`);
    if (!STORAGE_TYPES.has(type.qualname)) fail(`unknown storage type ${type.qualname} (supported: ${[...STORAGE_TYPES.keys()].join(', ')})`);
    if (typeof key !== 'string' || !/^[\w.-]+$/.test(key)) fail(`storage key ${describe(key)} is not a record name`);
    if (!nonNegInt(numel)) fail(`storage ${key}: element count ${describe(numel)} is not a non-negative int`);
    const prev = storages.get(key as string);
    if (prev) return prev; // the same storage shared by several tensors (views)
    const dtype = STORAGE_TYPES.get(type.qualname)!;
    const ref = new StorageRef(key as string, dtype, numel as number, typeof location === 'string' ? location : String(location));
    const entry = zip.entries.get(record(`data/${key}`));
    if (!entry) fail(`missing storage record ${record(`data/${key}`)} (data.pkl refers to it; damaged or incomplete checkpoint)`);
    const bytes = dtype ? (numel as number) * ELEMENT_BYTES[dtype] : (numel as number);
    if (entry!.size !== bytes) {
      fail(`storage record ${entry!.name} has ${entry!.size} bytes, but ${type.qualname} of ${numel} elements needs ${bytes}`);
    }
    storages.set(key as string, ref);
    return ref;
  };
  const root = unpickle(zip.read(pklName), { source: `${source}: ${pklName}`, persistentLoad, reducers: TORCH_REDUCERS });

  /** Per storage, its raw elements in an aligned typed array (a view of the file when aligned). */
  const rawCache = new Map<string, RawArray>();
  const rawOf = (s: StorageRef, dtype: TorchDtype): RawArray => {
    const cacheKey = `${s.key}:${dtype}`;
    const hit = rawCache.get(cacheKey);
    if (hit) return hit;
    let bytes = zip.read(record(`data/${s.key}`));
    const size = ELEMENT_BYTES[dtype];
    if (bytes.byteLength % size) throw new Error(`${source}: storage record ${record(`data/${s.key}`)}: ${bytes.byteLength} bytes is not a whole number of ${dtype} elements`);
    if ((bytes.byteOffset % size) !== 0) bytes = bytes.slice(); // unaligned in memory: one copy
    const raw = rawView(dtype, bytes.buffer, bytes.byteOffset, bytes.byteLength / size);
    rawCache.set(cacheKey, raw);
    return raw;
  };

  const materialize = (t: TensorRef, name = 'a tensor'): PtTensor => {
    const raw = rawOf(t.storage, t.dtype);
    const count = t.numel;
    const { shape, stride, offset } = t;
    // Stride-0 views pass the range check below with any size; a typed array has a length limit anyway.
    if (count > 2 ** 31 - 1) throw new Error(`${source}: ${name}: a tensor of size [${shape}] (${count} elements) is too large to load`);
    if (count > 0) {
      let last = offset;
      for (let d = 0; d < shape.length; d++) last += (shape[d] - 1) * stride[d];
      if (last >= raw.length) {
        throw new Error(`${source}: ${name}: view of size [${shape}] stride [${stride}] offset ${offset} reaches element ${last}, but storage ${record(`data/${t.storage.key}`)} holds ${raw.length}`);
      }
    }
    let contiguous = true;
    for (let d = shape.length - 1, expect = 1; d >= 0; d--) {
      if (shape[d] !== 1 && stride[d] !== expect) contiguous = false;
      expect *= shape[d];
    }
    let values: RawArray;
    if (contiguous || count === 0) {
      values = raw.subarray(offset, offset + count);
    } else {
      // A strided view (a transpose, a slice with step): gather in C order with an index odometer.
      const out = new (raw.constructor as { new (n: number): RawArray })(count);
      const rank = shape.length;
      const idx = new Array<number>(rank).fill(0);
      let src = offset;
      for (let i = 0; i < count; i++) {
        (out as Float32Array)[i] = (raw as Float32Array)[src];
        for (let d = rank - 1; d >= 0; d--) {
          if (++idx[d] < shape[d]) {
            src += stride[d];
            break;
          }
          src -= (shape[d] - 1) * stride[d];
          idx[d] = 0;
        }
      }
      values = out;
    }
    return { dtype: t.dtype, shape: shape.slice(), data: widen(t.dtype, values) };
  };
  return { source, prefix, root, materialize };
}
