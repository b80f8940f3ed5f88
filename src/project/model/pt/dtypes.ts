/**
 * Torch storage types and element conversions. The storage class names are those `torch.save`
 * pickles in a storage's persistent id (`torch.HalfStorage`, ...); the dtype names are those
 * `_rebuild_tensor_v3` receives (`torch.float16`, ...). Half floats are IEEE 754 binary16,
 * bfloat16 is the upper half of a binary32.
 */

export type TorchDtype = 'float16' | 'bfloat16' | 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export const ELEMENT_BYTES: Record<TorchDtype, number> = {
  float16: 2, bfloat16: 2, float32: 4, float64: 8, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

/** Storage classes in persistent ids; `null` marks torch.UntypedStorage (bytes; the tensor gives the dtype). */
export const STORAGE_TYPES = new Map<string, TorchDtype | null>([
  ['torch.HalfStorage', 'float16'], ['torch.BFloat16Storage', 'bfloat16'], ['torch.FloatStorage', 'float32'],
  ['torch.DoubleStorage', 'float64'], ['torch.LongStorage', 'int64'], ['torch.IntStorage', 'int32'],
  ['torch.ShortStorage', 'int16'], ['torch.CharStorage', 'int8'], ['torch.ByteStorage', 'uint8'],
  ['torch.BoolStorage', 'bool'], ['torch.UntypedStorage', null],
]);

/** torch dtype globals (`torch.float16`, and the aliases torch also pickles them by). */
export const DTYPE_GLOBALS = new Map<string, TorchDtype>([
  ['torch.float16', 'float16'], ['torch.half', 'float16'], ['torch.bfloat16', 'bfloat16'], ['torch.float32', 'float32'],
  ['torch.float', 'float32'], ['torch.float64', 'float64'], ['torch.double', 'float64'], ['torch.int64', 'int64'],
  ['torch.long', 'int64'], ['torch.int32', 'int32'], ['torch.int', 'int32'], ['torch.int16', 'int16'],
  ['torch.short', 'int16'], ['torch.int8', 'int8'], ['torch.uint8', 'uint8'], ['torch.bool', 'bool'],
]);

/** What a tensor's values become: floats up to 32 bits as float32 (exact), float64 kept, int64 as BigInt64Array, smaller ints as int32. */
export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array;

let halfTable: Float32Array | undefined;
/** All 65536 half-precision values as float32, so conversion is one table lookup per element. */
export function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  const bits = new Uint32Array(t.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const e = (h >> 10) & 0x1f;
    const f = h & 0x3ff;
    if (e === 0) t[h] = (sign ? -1 : 1) * f * 2 ** -24; // zero and subnormals: exact in float32
    else if (e === 31) bits[h] = sign | 0x7f800000 | (f << 13); // inf / NaN with the payload kept
    else bits[h] = sign | ((e + 112) << 23) | (f << 13); // rebias 15 -> 127
  }
  halfTable = t;
  return t;
}

/** The raw elements of a storage as the typed array of its own element type. */
export type RawArray = Uint16Array | Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

export function rawView(dtype: TorchDtype, buffer: ArrayBufferLike, byteOffset: number, length: number): RawArray {
  switch (dtype) {
    case 'float16': case 'bfloat16': return new Uint16Array(buffer, byteOffset, length);
    case 'float32': return new Float32Array(buffer, byteOffset, length);
    case 'float64': return new Float64Array(buffer, byteOffset, length);
    case 'int64': return new BigInt64Array(buffer, byteOffset, length);
    case 'int32': return new Int32Array(buffer, byteOffset, length);
    case 'int16': return new Int16Array(buffer, byteOffset, length);
    case 'int8': return new Int8Array(buffer, byteOffset, length);
    case 'uint8': case 'bool': return new Uint8Array(buffer, byteOffset, length);
  }
}

/** Converts contiguous raw elements to the tensor's value array (always a fresh copy). */
export function widen(dtype: TorchDtype, raw: RawArray): TensorData {
  const n = raw.length;
  switch (dtype) {
    case 'float16': {
      const table = halfToFloatTable();
      const src = raw as Uint16Array;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = table[src[i]];
      return out;
    }
    case 'bfloat16': {
      const src = raw as Uint16Array;
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = src[i] << 16;
      return out;
    }
    case 'float32': return (raw as Float32Array).slice();
    case 'float64': return (raw as Float64Array).slice();
    case 'int64': return (raw as BigInt64Array).slice();
    case 'int32': return (raw as Int32Array).slice();
    default: return Int32Array.from(raw as Int16Array | Int8Array | Uint8Array);
  }
}
