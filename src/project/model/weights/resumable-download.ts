/**
 * One resumable HTTP download into a `.part` file: a Range request from the bytes already there
 * (RFC 9110 §14: 206 with Content-Range, 416 when nothing is left), an idle timeout, and a size cap
 * checked before and during the body. Retrying and verifying are the caller's (fetch.ts).
 */

import * as fs from 'node:fs';
import { sizeOf } from './cache';

/** What one request needs of the fetch options (FetchOptions in fetch.ts satisfies it). */
export interface DownloadOptions {
  maxBytes: number;
  idleTimeoutMs: number;
  onProgress?: (done: number, total: number | undefined) => void;
  warn?: (msg: string) => void;
}

/** undici puts the socket error in `cause` ("fetch failed" alone says nothing). */
const causeOf = (e: unknown): string => ((e as { cause?: Error }).cause?.message ?? (e as Error).message);

/** `permanent`: retrying cannot help (a 4xx, an oversized file), so the caller gives up and drops the `.part`. */
export class FetchError extends Error {
  constructor(message: string, readonly permanent = false) {
    super(message);
  }
}

/** One request appending to `part` from its current size; resolves when the body ended. */
export async function requestInto(url: string, part: string, name: string, o: DownloadOptions): Promise<{ total?: number }> {
  const have = sizeOf(part);
  const ac = new AbortController();
  let timer = setTimeout(() => ac.abort(), o.idleTimeoutMs);
  const kick = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => ac.abort(), o.idleTimeoutMs);
  };
  try {
    let res: Response;
    try {
      res = await fetch(url, { headers: have > 0 ? { range: `bytes=${have}-` } : {}, redirect: 'follow', signal: ac.signal });
    } catch (e) {
      throw new FetchError(`${name}: cannot reach ${url} (${ac.signal.aborted ? `no answer in ${o.idleTimeoutMs} ms` : causeOf(e)})`);
    }
    if (res.status === 416 && have > 0) {
      // The .part already holds every byte (an earlier run died before the check).
      await res.body?.cancel();
      return { total: have };
    }
    if (!res.ok) {
      await res.body?.cancel();
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      throw new FetchError(`${name}: HTTP ${res.status} ${res.statusText} from ${url}`, permanent);
    }
    let start = 0;
    let total: number | undefined;
    if (res.status === 206) {
      const cr = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
      if (!cr || Number(cr[1]) !== have) {
        await res.body?.cancel();
        throw new FetchError(`${name}: the server answered a resume from byte ${have} with content-range '${res.headers.get('content-range')}'`);
      }
      start = have;
      total = cr[3] === '*' ? undefined : Number(cr[3]);
    } else {
      const len = res.headers.get('content-length');
      total = len === null ? undefined : Number(len);
      if (have > 0) o.warn?.(`${name}: the server ignored the resume request; downloading from the start`);
    }
    if (total !== undefined && total > o.maxBytes) {
      await res.body?.cancel();
      throw new FetchError(`${name}: ${url} is ${total} bytes, over the limit of ${o.maxBytes} (--max-bytes); not downloaded`, true);
    }
    const fd = fs.openSync(part, start > 0 ? 'a' : 'w');
    let done = start;
    try {
      if (!res.body) throw new FetchError(`${name}: empty response from ${url}`);
      const reader = res.body.getReader();
      o.onProgress?.(done, total);
      for (;;) {
        // The read's own type: ReadableStreamReadResult is a DOM global that tslab's compiler (no DOM lib) lacks.
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch (e) {
          throw new FetchError(`${name}: the connection broke after ${done} bytes (${ac.signal.aborted ? `no data for ${o.idleTimeoutMs} ms` : causeOf(e)})`);
        }
        if (r.done) break;
        kick();
        if (done + r.value.byteLength > o.maxBytes) {
          ac.abort();
          throw new FetchError(`${name}: ${url} sent more than the limit of ${o.maxBytes} bytes (--max-bytes); download stopped`, true);
        }
        fs.writeSync(fd, r.value);
        done += r.value.byteLength;
        o.onProgress?.(done, total);
      }
    } finally {
      fs.closeSync(fd);
    }
    if (total !== undefined && done !== total) throw new FetchError(`${name}: the connection ended after ${done} of ${total} bytes`);
    return { total: total ?? done };
  } finally {
    clearTimeout(timer);
  }
}
