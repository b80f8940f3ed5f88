/**
 * A pickle writer for the protocol 2 opcodes torch.save uses (pickletools' opcode table; BINPUT
 * after each object as `Lib/pickle.py`'s `_Pickler` memoizes), so tests and `taco bench ptload` can
 * build checkpoints byte by byte without Python or torch.
 */

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
