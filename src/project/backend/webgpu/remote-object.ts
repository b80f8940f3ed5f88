import type { Connection } from './device-connection';

/**
 * The base of every WebGPU object proxy: its id names the real object on the worker. Ids are chosen here,
 * so creating an object never waits; arguments go over as copies, with proxies replaced by references the
 * worker resolves. A collected proxy releases its worker object.
 */

const released = new FinalizationRegistry<{ conn: Connection; id: number }>(({ conn, id }) => conn.release(id));

/** Replaces proxies by references the worker resolves; copies everything else. */
function encode(v: unknown): unknown {
  if (v instanceof RemoteObject) return { __r: v.id };
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
  if (Array.isArray(v)) return v.map(encode);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = encode(x);
  return out;
}

export class RemoteObject {
  label = '';
  constructor(
    readonly conn: Connection,
    readonly id: number,
    track = true,
  ) {
    if (track) released.register(this, { conn, id });
  }

  protected call(method: string, ...args: unknown[]): void {
    this.conn.push(['call', this.id, method, encode(args)]);
  }

  protected make<T extends RemoteObject>(Kind: new (conn: Connection, id: number) => T, method: string, ...args: unknown[]): T {
    const obj = new Kind(this.conn, this.conn.id());
    this.conn.push(['new', obj.id, this.id, method, encode(args)]);
    return obj;
  }
}
