/**
 * The byte side of the pickle reader: a cursor over the whole pickle in memory that reads the
 * argument encodings pickletools documents (little-endian counts, UTF-8 text, LONG1/LONG4 two's
 * complement, newline-ended text for GLOBAL) and bounds-checks every read, so a damaged or hostile
 * length is an error naming the opcode and offset rather than a read past the end.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class PickleInput {
  readonly dv: DataView;
  readonly n: number;
  pos = 0;
  /** Where the opcode being executed starts, and its name: every error message reports both. */
  opOffset = 0;
  opName = '';

  constructor(readonly data: Uint8Array, readonly source: string) {
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.n = data.byteLength;
  }

  // Arrow properties, so the reader can destructure them and pass `fail` to reducers unbound.
  readonly fail = (msg: string): never => {
    throw new Error(`${this.source}: pickle ${this.opName ? `${this.opName} ` : ''}at offset ${this.opOffset}: ${msg}`);
  };

  /** Claims the next `k` bytes and returns where they start. */
  readonly need = (k: number): number => {
    if (this.pos + k > this.n) this.fail(`truncated: needs ${k} more bytes, the pickle ends at ${this.n}`);
    const p = this.pos;
    this.pos += k;
    return p;
  };

  readonly readLine = (): string => {
    const { data } = this;
    const end = data.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('truncated: a text argument has no newline');
    const s = Buffer.from(data.buffer, data.byteOffset + this.pos, end - this.pos).toString('utf8');
    this.pos = end + 1;
    return s;
  };

  readonly text = (len: number): string => {
    const p = this.need(len);
    try {
      return utf8.decode(this.data.subarray(p, p + len));
    } catch {
      return this.fail('a string is not valid UTF-8');
    }
  };

  readonly bytes = (len: number): Uint8Array => {
    const p = this.need(len);
    return this.data.slice(p, p + len);
  };

  readonly len64 = (): number => {
    const p = this.need(8);
    const v = this.dv.getBigUint64(p, true);
    if (v > BigInt(this.n)) this.fail(`length ${v} exceeds the pickle's ${this.n} bytes`);
    return Number(v);
  };

  /** Little-endian two's complement integer of `len` bytes (LONG1 / LONG4). */
  readonly longBytes = (len: number): number | bigint => {
    const { data } = this;
    const p = this.need(len);
    if (len === 0) return 0;
    let v = 0n;
    for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[p + i]);
    if (data[p + len - 1] & 0x80) v -= 1n << BigInt(8 * len);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
}
