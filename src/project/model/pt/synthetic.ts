/**
 * Synthetic checkpoints, byte by byte, for tests and `taco bench ptload` (no Python, no torch): a pickle writer for the
 * protocol 2 opcodes torch.save uses (pickletools' opcode table), a zip writer (APPNOTE: local
 * headers, central directory, optional zip64 records and extra fields), and `torchZip`, which lays
 * them out as torch.save does: `<archive>/data.pkl`, `<archive>/data/<key>`, `<archive>/version`.
 */

import * as zlib from 'node:zlib';
import { crc32 } from './zip';

/** Values the pickle writer understands; plain JS values map to Python's, the $-objects to special forms. */
export type PV =
  | null | boolean | number | string | PV[]
  | { $tuple: PV[] }
  | { $dict: [PV, PV][] }
  | { $global: [string, string] }
  | { $reduce: [PV, PV[]] }
  | { $newobj: [PV, PV[]]; state?: PV }
  | { $persid: PV }
  | { $ordered: [string, PV][] }
  | { $raw: number[] }
  | { $bigint: bigint };

export class PickleWriter {
  private out: number[] = [];
  private memo = 0;
  byte(...b: number[]): this {
    this.out.push(...b);
    return this;
  }
  u32(v: number): this {
    return this.byte(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.byte(0x58).u32(b.length).byte(...b); // BINUNICODE
  }
  int(v: number): this {
    if (Number.isInteger(v) && v >= 0 && v < 256) return this.byte(0x4b, v); // BININT1
    if (Number.isInteger(v) && v >= 0 && v < 65536) return this.byte(0x4d, v & 0xff, v >> 8); // BININT2
    if (Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return this.byte(0x4a).u32(v >>> 0); // BININT
    if (Number.isInteger(v)) return this.long(BigInt(v));
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return this.byte(0x47, ...b); // BINFLOAT
  }
  long(v: bigint): this {
    const bytes: number[] = [];
    let x = v;
    do {
      bytes.push(Number(x & 0xffn));
      x >>= 8n;
    } while (!(x === 0n && (bytes[bytes.length - 1] & 0x80) === 0) && !(x === -1n && (bytes[bytes.length - 1] & 0x80) !== 0));
    return this.byte(0x8a, bytes.length, ...bytes); // LONG1
  }
  put(): this {
    return this.byte(0x71, this.memo++ & 0xff); // BINPUT, as the pickler memoizes
  }
  value(v: PV): this {
    if (v === null) return this.byte(0x4e);
    if (v === true) return this.byte(0x88);
    if (v === false) return this.byte(0x89);
    if (typeof v === 'number') return this.int(v);
    if (typeof v === 'string') return this.str(v).put();
    if (Array.isArray(v)) {
      this.byte(0x5d).put(); // EMPTY_LIST
      if (v.length) {
        this.byte(0x28);
        for (const x of v) this.value(x);
        this.byte(0x65); // APPENDS
      }
      return this;
    }
    if ('$raw' in v) return this.byte(...v.$raw);
    if ('$bigint' in v) return this.long(v.$bigint);
    if ('$tuple' in v) {
      const t = v.$tuple;
      if (t.length === 0) return this.byte(0x29);
      if (t.length <= 3) {
        for (const x of t) this.value(x);
        return this.byte(0x84 + t.length).put(); // TUPLE1..3
      }
      this.byte(0x28);
      for (const x of t) this.value(x);
      return this.byte(0x74).put();
    }
    if ('$dict' in v) {
      this.byte(0x7d).put();
      if (v.$dict.length) {
        this.byte(0x28);
        for (const [k, x] of v.$dict) this.value(k).value(x);
        this.byte(0x75);
      }
      return this;
    }
    if ('$global' in v) {
      const b = Buffer.from(`${v.$global[0]}\n${v.$global[1]}\n`, 'utf8');
      return this.byte(0x63, ...b).put();
    }
    if ('$reduce' in v) {
      this.value(v.$reduce[0]).value({ $tuple: v.$reduce[1] });
      return this.byte(0x52).put();
    }
    if ('$newobj' in v) {
      this.value(v.$newobj[0]).value({ $tuple: v.$newobj[1] }).byte(0x81).put();
      if (v.state !== undefined) this.value(v.state).byte(0x62); // BUILD
      return this;
    }
    if ('$ordered' in v) {
      this.value({ $reduce: [{ $global: ['collections', 'OrderedDict'] }, []] });
      if (v.$ordered.length) {
        this.byte(0x28);
        for (const [k, x] of v.$ordered) this.value(k).value(x);
        this.byte(0x75);
      }
      return this;
    }
    if ('$persid' in v) return this.value(v.$persid).byte(0x51); // BINPERSID
    throw new Error('unknown pickle value');
  }
  /** PROTO 2, the value, STOP. */
  static dump(v: PV): Buffer {
    const w = new PickleWriter();
    w.byte(0x80, 2).value(v).byte(0x2e);
    return Buffer.from(w.out);
  }
}

export const STORAGE: Record<string, string> = {
  float16: 'HalfStorage', bfloat16: 'BFloat16Storage', float32: 'FloatStorage', float64: 'DoubleStorage', int64: 'LongStorage', int32: 'IntStorage',
};

/** A `_rebuild_tensor_v2` call on storage `key` (the storage's element type names the class). */
export function tensor(key: string, storage: keyof typeof STORAGE | string, numel: number, size: number[], stride?: number[], offset = 0): PV {
  const st = stride ?? size.map((_, i) => size.slice(i + 1).reduce((a, b) => a * b, 1));
  const cls = STORAGE[storage] ?? storage;
  return {
    $reduce: [
      { $global: ['torch._utils', '_rebuild_tensor_v2'] },
      [{ $persid: { $tuple: ['storage', { $global: ['torch', cls] }, key, 'cpu', numel] } }, offset, { $tuple: size }, { $tuple: st }, false, { $ordered: [] }],
    ],
  };
}

export const parameter = (t: PV): PV => ({ $reduce: [{ $global: ['torch._utils', '_rebuild_parameter'] }, [t, true, { $ordered: [] }]] });

/** An nn.Module as torch pickles it: NEWOBJ of its class, BUILD with its __dict__. */
export function module(cls: [string, string], parts: { params?: [string, PV][]; buffers?: [string, PV][]; modules?: [string, PV][]; extra?: [PV, PV][] }): PV {
  return {
    $newobj: [{ $global: cls }, []],
    state: {
      $dict: [
        ['training', false],
        ['_parameters', { $ordered: parts.params ?? [] }],
        ['_buffers', { $ordered: parts.buffers ?? [] }],
        ['_non_persistent_buffers_set', { $reduce: [{ $global: ['builtins', 'set'] }, [[]]] }],
        ['_modules', { $ordered: parts.modules ?? [] }],
        ...(parts.extra ?? []),
      ],
    },
  };
}

export interface ZipIn {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
}

/**
 * A zip as PyTorch writes it (flag bit 3, sizes in the central directory, data aligned to 64 bytes)
 * or, with `zip64`, with zip64 end records and every size/offset moved to zip64 extra fields.
 */
export function makeZip(entries: ZipIn[], opts: { zip64?: boolean; align?: number } = {}): Buffer {
  const align = opts.align ?? 64;
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let off = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.deflate ? zlib.deflateRawSync(e.data) : Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength);
    const crc = crc32(e.data);
    // Pad the local extra field ("FB" block, as PyTorch does) so the data is aligned.
    let pad = (align - ((off + 30 + name.length + 4) % align)) % align;
    const extra = Buffer.alloc(4 + pad);
    extra.writeUInt16LE(0x4246, 0);
    extra.writeUInt16LE(pad, 2);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
    local.writeUInt16LE(0x08, 6); // sizes follow in the central directory
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    parts.push(local, name, extra, body);
    const z64 = Buffer.alloc(opts.zip64 ? 28 : 0);
    if (opts.zip64) {
      z64.writeUInt16LE(0x0001, 0);
      z64.writeUInt16LE(24, 2);
      z64.writeBigUInt64LE(BigInt(e.data.length), 4);
      z64.writeBigUInt64LE(BigInt(body.length), 12);
      z64.writeBigUInt64LE(BigInt(off), 20);
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
    c.writeUInt16LE(opts.zip64 ? 45 : 20, 6);
    c.writeUInt16LE(0x08, 8);
    c.writeUInt16LE(e.deflate ? 8 : 0, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(opts.zip64 ? 0xffffffff : body.length, 20);
    c.writeUInt32LE(opts.zip64 ? 0xffffffff : e.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt16LE(z64.length, 30);
    c.writeUInt32LE(opts.zip64 ? 0xffffffff : off, 42);
    central.push(c, name, z64);
    off += 30 + name.length + extra.length + body.length;
    pad = 0;
  }
  const cd = Buffer.concat(central);
  const cdOffset = off;
  const tail: Buffer[] = [cd];
  if (opts.zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(entries.length), 24);
    rec.writeBigUInt64LE(BigInt(entries.length), 32);
    rec.writeBigUInt64LE(BigInt(cd.length), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(cdOffset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(rec, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : cd.length, 12);
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : cdOffset, 16);
  tail.push(eocd);
  return Buffer.concat([...parts, ...tail]);
}

/** A torch.save-style checkpoint: the pickle plus one record per storage key. */
export function torchZip(root: PV, storages: Record<string, Uint8Array>, opts: { zip64?: boolean; archive?: string; pkl?: Buffer; omit?: string[] } = {}): Buffer {
  const a = opts.archive ?? 'archive';
  const entries: ZipIn[] = [{ name: `${a}/data.pkl`, data: opts.pkl ?? PickleWriter.dump(root) }, { name: `${a}/byteorder`, data: Buffer.from('little') }];
  for (const [k, d] of Object.entries(storages)) if (!opts.omit?.includes(k)) entries.push({ name: `${a}/data/${k}`, data: d });
  entries.push({ name: `${a}/version`, data: Buffer.from('3\n') });
  return makeZip(entries, { zip64: opts.zip64 });
}

export const f32Bytes = (v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);
export const f64Bytes = (v: number[]): Uint8Array => new Uint8Array(Float64Array.from(v).buffer);
export const i64Bytes = (v: bigint[]): Uint8Array => new Uint8Array(BigInt64Array.from(v).buffer);
export const u16Bytes = (v: number[]): Uint8Array => new Uint8Array(Uint16Array.from(v).buffer);
