import * as fs from 'node:fs';

/**
 * The safetensors format: 8-byte little-endian header length N, N bytes of JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: {...} }` with offsets
 * relative to the end of the header, then raw little-endian C-order data.
 * Reads F32, F16 (widened to float32), I64 (as bigint), I32; writes F32 and I64.
 */

export type SafeDtype = 'F32' | 'F16' | 'I64' | 'I32';

export interface SafeTensor {
  dtype: SafeDtype;
  shape: number[];
  /** F32/F16 -> Float32Array; I32 -> Int32Array; I64 -> BigInt64Array. */
  data: Float32Array | Int32Array | BigInt64Array;
}

export interface SafeFile {
  tensors: Map<string, SafeTensor>; // in file order
  metadata?: Record<string, string>;
}

const BYTES: Record<SafeDtype, number> = { F32: 4, F16: 2, I64: 8, I32: 4 };

/** Typed arrays use the platform's byte order; safetensors is little-endian (so is every platform Node ships for). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Parses a safetensors buffer; `source` names the file in error messages. */
export function parseSafetensors(buf: Uint8Array, source = 'safetensors data'): SafeFile {
  const fail = (msg: string): never => {
    throw new Error(`${source}: not a valid safetensors file: ${msg}`);
  };
  if (buf.byteLength < 8) fail(`only ${buf.byteLength} bytes`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > buf.byteLength - 8) fail(`header length ${n} exceeds the file size ${buf.byteLength}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, n).toString('utf8'));
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + n;
  const dataLen = buf.byteLength - dataStart;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> | undefined;
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__');
  if (header.__metadata__) metadata = header.__metadata__ as Record<string, string>;
  // File order is the data order; JSON key order is not guaranteed to match it.
  entries.sort((a, b) => ((a[1] as { data_offsets: number[] }).data_offsets[0] - (b[1] as { data_offsets: number[] }).data_offsets[0]));
  for (const [name, raw] of entries) {
    const info = raw as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (!info || !Array.isArray(info.shape) || !Array.isArray(info.data_offsets)) fail(`tensor "${name}" lacks shape or data_offsets`);
    const dtype = info.dtype as SafeDtype;
    if (!(dtype in BYTES)) fail(`tensor "${name}" has unsupported dtype ${info.dtype} (supported: F32, F16, I64, I32)`);
    const count = info.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = info.data_offsets;
    if (end - begin !== count * BYTES[dtype]) fail(`tensor "${name}" spans ${end - begin} bytes, but ${dtype}${JSON.stringify(info.shape)} needs ${count * BYTES[dtype]}`);
    if (begin < 0 || end > dataLen) fail(`tensor "${name}" data_offsets [${begin}, ${end}] lie outside the ${dataLen} data bytes`);
    // Copy so the result is aligned and independent of the file buffer (Buffer.slice would share it).
    const bytes = new Uint8Array(end - begin);
    bytes.set(buf.subarray(dataStart + begin, dataStart + end));
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let data: SafeTensor['data'];
    if (LITTLE_ENDIAN && dtype !== 'F16') {
      data = dtype === 'F32' ? new Float32Array(bytes.buffer) : dtype === 'I32' ? new Int32Array(bytes.buffer) : new BigInt64Array(bytes.buffer);
    } else if (dtype === 'F32') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = dv.getFloat32(4 * i, true);
    } else if (dtype === 'F16') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = halfToFloat(dv.getUint16(2 * i, true));
    } else if (dtype === 'I32') {
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = dv.getInt32(4 * i, true);
    } else {
      data = new BigInt64Array(count);
      for (let i = 0; i < count; i++) data[i] = dv.getBigInt64(8 * i, true);
    }
    tensors.set(name, { dtype, shape: info.shape.slice(), data });
  }
  return { tensors, metadata };
}

export function readSafetensors(file: string): SafeFile {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseSafetensors(buf, file);
}

/** Serialises tensors (in the given order) to safetensors bytes. */
export function encodeSafetensors(tensors: Map<string, SafeTensor>, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    if (t.dtype !== 'F32' && t.dtype !== 'I64' && t.dtype !== 'I32') throw new Error(`cannot write tensor "${name}": dtype ${t.dtype} (write F32, I32 or I64)`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) throw new Error(`tensor "${name}": ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    const size = count * BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  // Pad the header with spaces to 8 bytes so the data is aligned, as the reference writer does.
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = Buffer.allocUnsafeSlow(8 + json.length + offset); // every byte is written below
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  let pos = 8 + json.length;
  for (const t of tensors.values()) {
    const count = t.data.length;
    if (LITTLE_ENDIAN) {
      // The typed array's bytes are already the file's little-endian layout: one copy per tensor.
      const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      out.set(bytes, pos);
      pos += bytes.byteLength;
    } else if (t.dtype === 'F32') for (let i = 0; i < count; i++, pos += 4) out.writeFloatLE((t.data as Float32Array)[i], pos);
    else if (t.dtype === 'I32') for (let i = 0; i < count; i++, pos += 4) out.writeInt32LE((t.data as Int32Array)[i], pos);
    else for (let i = 0; i < count; i++, pos += 8) out.writeBigInt64LE((t.data as BigInt64Array)[i], pos);
  }
  return out;
}

/** Writes atomically: `file.tmp`, then rename. */
export function writeSafetensors(file: string, tensors: Map<string, SafeTensor>, metadata?: Record<string, string>): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, encodeSafetensors(tensors, metadata));
  fs.renameSync(tmp, file);
}
