/**
 * A read-only zip reader over one in-memory Buffer, for PyTorch checkpoints (PKWARE APPNOTE 6.3:
 * 4.3.16 end of central directory, 4.3.14/4.3.15 zip64 end record and locator, 4.3.12 central
 * directory header, 4.5.3 zip64 extended information, 4.3.7 local file header).
 *
 * PyTorch's writer (miniz via PyTorchStreamWriter) stores entries uncompressed, sets flag bit 3
 * (sizes in the central directory, zeros in the local header), pads local extra fields so record
 * data starts on 64-byte boundaries and always appends zip64 end records. Sizes and offsets are
 * therefore read from the central directory, never from local headers. Entries are returned as
 * views of the file buffer (no copy) for stored data; deflated data is inflated with node:zlib.
 */

import * as zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

/** A few magic numbers, so "not a zip" can say what the file looks like instead. */
function sniff(buf: Uint8Array): string {
  const b = (i: number): number => buf[i] ?? -1;
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return ' (it looks like a JPEG image)';
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return ' (it looks like a PNG image)';
  if (b(0) === 0x1f && b(1) === 0x8b) return ' (it looks like a gzip file)';
  if (b(0) === 0x80 && b(1) >= 2 && b(1) <= 5) return " (it is a bare pickle: PyTorch's legacy pre-1.6 format, which is not supported; re-save it with a current torch.save)";
  if (buf.byteLength >= 9 && b(8) === 0x7b) return ' (it looks like a safetensors file)';
  if (b(0) === 0x3c) return ' (it looks like HTML or XML, e.g. an error page saved instead of the file)';
  return '';
}

function hex(buf: Uint8Array, n: number): string {
  return [...buf.subarray(0, n)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

let crcTable: Int32Array | undefined;
/** CRC-32 (IEEE, as zip uses it); node:zlib's native crc32 where the running Node has it (20.15+). */
export function crc32(data: Uint8Array): number {
  const native = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
  if (typeof native === 'function') return native(data) >>> 0;
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  private readonly view: DataView;
  private readonly verified = new Set<string>();

  /** `source` names the file in every error message. */
  constructor(private readonly buf: Uint8Array, readonly source: string) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.parse();
  }

  private fail(msg: string): never {
    throw new Error(`${this.source}: ${msg}`);
  }

  private u16(o: number): number {
    return this.view.getUint16(o, true);
  }
  private u32(o: number): number {
    return this.view.getUint32(o, true);
  }
  private u64(o: number, what: string): number {
    const v = this.view.getBigUint64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`zip ${what} ${v} is out of range`);
    return Number(v);
  }

  private parse(): void {
    const n = this.buf.byteLength;
    if (n === 0) this.fail('empty file (0 bytes)');
    const startsLikeZip = n >= 4 && this.u32(0) === SIG_LOCAL;
    // The end record is 22 bytes plus a comment of at most 65535 bytes, so it is searched backwards.
    let eocd = -1;
    for (let i = n - 22; i >= Math.max(0, n - 22 - 0xffff); i--) {
      if (this.u32(i) === SIG_EOCD && i + 22 + this.u16(i + 20) === n) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      if (startsLikeZip) this.fail(`truncated: it starts like a zip but has no end-of-central-directory record (the file ends at byte ${n}; incomplete download?)`);
      this.fail(`not a zip file, so not a PyTorch checkpoint (first bytes ${hex(this.buf, Math.min(8, n))})${sniff(this.buf)}`);
    }
    if (this.u16(eocd + 4) !== 0 || this.u16(eocd + 6) !== 0) this.fail('multi-part (spanned) zip archives are not supported');
    let count = this.u16(eocd + 10);
    let cdSize = this.u32(eocd + 12);
    let cdOffset = this.u32(eocd + 16);
    const loc = eocd - 20;
    if (loc >= 0 && this.u32(loc) === SIG_ZIP64_LOCATOR) {
      const z = this.u64(loc + 8, 'zip64 end record offset');
      if (z + 56 > loc || this.u32(z) !== SIG_ZIP64_EOCD) this.fail(`damaged zip64 end record (the locator points at byte ${z}, where there is none)`);
      count = this.u64(z + 32, 'entry count');
      cdSize = this.u64(z + 40, 'central directory size');
      cdOffset = this.u64(z + 48, 'central directory offset');
    } else if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      this.fail('the end record needs zip64 values, but there is no zip64 end record locator');
    }
    const cdEnd = cdOffset + cdSize;
    if (cdEnd > n || cdEnd > (loc >= 0 && this.u32(loc) === SIG_ZIP64_LOCATOR ? loc : eocd)) {
      this.fail(`truncated or damaged: the central directory [${cdOffset}, ${cdEnd}) does not fit before the end records (file of ${n} bytes)`);
    }
    let p = cdOffset;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cdEnd || this.u32(p) !== SIG_CENTRAL) this.fail(`damaged central directory: entry ${k} of ${count} at byte ${p} has no valid header`);
      const flags = this.u16(p + 8);
      const method = this.u16(p + 10);
      const crc = this.u32(p + 16);
      let compressedSize = this.u32(p + 20);
      let size = this.u32(p + 24);
      const nameLen = this.u16(p + 28);
      const extraLen = this.u16(p + 30);
      const commentLen = this.u16(p + 32);
      let localHeaderOffset = this.u32(p + 42);
      const next = p + 46 + nameLen + extraLen + commentLen;
      if (next > cdEnd) this.fail(`damaged central directory: entry ${k} overruns it`);
      const name = Buffer.from(this.buf.buffer, this.buf.byteOffset + p + 46, nameLen).toString('utf8');
      // Zip64 extended information: only the fields whose 32-bit slot is saturated are present, in this order.
      if (size === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
        let e = p + 46 + nameLen;
        const eEnd = e + extraLen;
        let found = false;
        while (e + 4 <= eEnd) {
          const id = this.u16(e);
          const len = this.u16(e + 2);
          if (e + 4 + len > eEnd) break;
          if (id === 0x0001) {
            let f = e + 4;
            const take = (what: string): number => {
              if (f + 8 > e + 4 + len) this.fail(`entry ${name}: zip64 extra field lacks the ${what}`);
              const v = this.u64(f, what);
              f += 8;
              return v;
            };
            if (size === 0xffffffff) size = take('uncompressed size');
            if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
            if (localHeaderOffset === 0xffffffff) localHeaderOffset = take('local header offset');
            found = true;
            break;
          }
          e += 4 + len;
        }
        if (!found) this.fail(`entry ${name}: 32-bit fields are saturated but there is no zip64 extra field`);
      }
      if (this.entries.has(name)) this.fail(`entry ${name} appears twice in the central directory`);
      this.entries.set(name, { name, method, flags, crc32: crc, compressedSize, size, localHeaderOffset });
      p = next;
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * An entry's bytes: a view of the file buffer for stored entries (do not write to it). The CRC is
   * checked on the first read of each entry.
   */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) this.fail(`missing zip entry ${name}`);
    const n = this.buf.byteLength;
    const h = e.localHeaderOffset;
    if (h + 30 > n) this.fail(`entry ${name}: its local header at byte ${h} lies beyond the end of the file (${n} bytes; truncated?)`);
    if (this.u32(h) !== SIG_LOCAL) this.fail(`entry ${name}: no local file header at byte ${h} (damaged zip)`);
    if (e.flags & 1) this.fail(`entry ${name} is encrypted`);
    const start = h + 30 + this.u16(h + 26) + this.u16(h + 28);
    const end = start + e.compressedSize;
    if (end > n) this.fail(`entry ${name}: its data [${start}, ${end}) runs past the end of the file (${n} bytes; truncated?)`);
    const raw = this.buf.subarray(start, end);
    let data: Uint8Array;
    if (e.method === 0) {
      if (e.compressedSize !== e.size) this.fail(`entry ${name}: stored entry with compressed size ${e.compressedSize} != size ${e.size}`);
      data = raw;
    } else if (e.method === 8) {
      try {
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        this.fail(`entry ${name}: deflate data is damaged (${(err as Error).message})`);
      }
      if (data.byteLength !== e.size) this.fail(`entry ${name}: inflated to ${data.byteLength} bytes, the directory says ${e.size}`);
    } else {
      this.fail(`entry ${name}: compression method ${e.method} is not supported (stored or deflate only)`);
    }
    if (!this.verified.has(name)) {
      const c = crc32(data);
      if (c !== e.crc32) this.fail(`entry ${name}: CRC-32 mismatch (computed ${c.toString(16).padStart(8, '0')}, the directory says ${e.crc32.toString(16).padStart(8, '0')}; the file is damaged)`);
      this.verified.add(name);
    }
    return data;
  }
}
