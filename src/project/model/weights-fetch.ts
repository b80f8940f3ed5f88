/**
 * Fetching ultralytics' released YOLOv8 checkpoints into a cache folder: resumable (HTTP Range on a
 * `.part` file, RFC 9110 §14), size-limited, verified against a pinned sha256, and atomic (the file
 * appears under its name only after the check, by rename). Nothing calls it unless asked:
 * `taco weights fetch`, or `resolveWeights` for a bare name like `yolov8n`.
 */

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const WEIGHT_NAMES = ['yolov8n', 'yolov8s', 'yolov8m', 'yolov8l', 'yolov8x'] as const;
export type WeightName = (typeof WEIGHT_NAMES)[number];

/** Where `yolov8x.pt` is fetched from: the ultralytics assets release, or TACO_WEIGHTS_URL / --url (mirrors, tests). */
export const DEFAULT_WEIGHTS_URL = 'https://github.com/ultralytics/assets/releases/download/v8.2.0';

/**
 * Published sha256 of each release asset.
 * - n, s: ../shared/real/README.md (course material): yolov8n.pt of assets v8.2.0/v8.3.0 (6,549,796 bytes),
 *   yolov8s.pt of v8.3.0 (22,588,772 bytes).
 * - m, l, x: the digests GitHub publishes for the ultralytics/assets release v8.4.0 assets, as pinned in
 *   https://github.com/datamarkin/mozo/blob/c5ee231ffcbda3710f45a09eabfc062bd530e2bf/tools/fetch/yolov8.py
 *   (its n and s digests equal the two above, so these releases carry the same bytes for n and s);
 *   yolov8m.pt's digest also appears with a v8.3.0 download URL in other public download scripts.
 *   If the v8.2.0 asset of m, l or x ever differs, fetch fails with both digests; point --url at
 *   .../download/v8.4.0 then.
 */
export const WEIGHT_SHA256: Record<WeightName, string | undefined> = {
  yolov8n: 'f59b3d833e2ff32e194b5bb8e08d211dc7c5bdf144b90d2c8412c47ccfc83b36',
  yolov8s: '1f47a78bf100391c2a140b7ac73a1caae18c32779be7d310658112f7ac9aa78a',
  yolov8m: '5d4a90cdc7a21786cc59cd19778e9eafff836df9e2da32524737c7ee6efe4fe5',
  yolov8l: '64c9115303f6a25575f82200d1b22ec409fa6bd7d08d0313884fc20d919478cd',
  yolov8x: '3df4ada6b4dad6d657868f2fdf7faecfb34dcfccf3a25c4b82079064718524c8',
};

/** yolov8x.pt is 137 MB; anything far larger is not a YOLOv8 checkpoint. */
export const DEFAULT_MAX_BYTES = 400 * 1024 * 1024;

/** TACO_WEIGHTS_DIR, else $XDG_CACHE_HOME/taco-companion/weights, else ~/.cache/taco-companion/weights. */
export function weightsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TACO_WEIGHTS_DIR) return path.resolve(env.TACO_WEIGHTS_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(base, 'taco-companion', 'weights');
}

/** `yolov8x`, `yolov8x.pt` -> `yolov8x`; anything else -> undefined. */
export function weightName(spec: string): WeightName | undefined {
  const m = /^(yolov8[nsmlx])(\.pt)?$/.exec(spec);
  return m ? (m[1] as WeightName) : undefined;
}

export interface FetchOptions {
  /** Cache folder (default weightsCacheDir()). */
  dir?: string;
  /** Base URL; the file is `${url}/${name}.pt` (default TACO_WEIGHTS_URL or DEFAULT_WEIGHTS_URL). */
  url?: string;
  maxBytes?: number;
  /** Keep a file whose name has no pinned sha256 (its digest is printed). */
  allowUnpinned?: boolean;
  /** Reconnects after a dropped connection, each resuming with Range (default 3). */
  retries?: number;
  /** No data for this long aborts the request (default 60 s). */
  idleTimeoutMs?: number;
  onProgress?: (done: number, total: number | undefined) => void;
  /** Warnings (unpinned digests, restarts); default stderr. */
  warn?: (msg: string) => void;
  /** Pins to check against (tests); default WEIGHT_SHA256. */
  pins?: Partial<Record<WeightName, string | undefined>>;
}

export interface FetchResult {
  file: string;
  sha256: string;
  bytes: number;
  /** False when the file was already in the cache (and verified). */
  downloaded: boolean;
  resumedFrom: number;
}

/** undici puts the socket error in `cause` ("fetch failed" alone says nothing). */
const causeOf = (e: unknown): string => ((e as { cause?: Error }).cause?.message ?? (e as Error).message);

class FetchError extends Error {
  constructor(message: string, readonly permanent = false) {
    super(message);
  }
}

async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

const sizeOf = (file: string): number => {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
};

/** One request appending to `part` from its current size; resolves when the body ended. */
async function requestInto(url: string, part: string, name: string, o: Required<Pick<FetchOptions, 'maxBytes' | 'idleTimeoutMs'>> & FetchOptions): Promise<{ total?: number }> {
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

/**
 * Fetches `name` (yolov8n..x) into the cache and returns its path. A complete, verified file is
 * reused; a `.part` from an interrupted run is resumed. The sha256 is checked before the rename;
 * on a mismatch nothing is left in the cache.
 */
export async function fetchWeights(nameOrFile: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const name = weightName(nameOrFile);
  if (!name) throw new Error(`${nameOrFile}: not a known weights name (${WEIGHT_NAMES.join(', ')})`);
  const dir = opts.dir ?? weightsCacheDir();
  const file = path.join(dir, `${name}.pt`);
  const part = `${file}.part`;
  const base = (opts.url ?? process.env.TACO_WEIGHTS_URL ?? DEFAULT_WEIGHTS_URL).replace(/\/+$/, '');
  const url = `${base}/${name}.pt`;
  const pins = opts.pins ?? WEIGHT_SHA256;
  const pin = pins[name];
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  const o = { ...opts, maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES, idleTimeoutMs: opts.idleTimeoutMs ?? 60000, warn };

  if (fs.existsSync(file)) {
    const digest = await sha256File(file);
    if (!pin || digest === pin) return { file, sha256: digest, bytes: sizeOf(file), downloaded: false, resumedFrom: 0 };
    warn(`${file}: sha256 ${digest} is not the pinned ${pin}; fetching it again`);
    fs.rmSync(file, { force: true });
  }
  fs.mkdirSync(dir, { recursive: true });
  const resumedFrom = sizeOf(part);
  const retries = opts.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      await requestInto(url, part, `${name}.pt`, o);
      break;
    } catch (e) {
      const permanent = e instanceof FetchError && e.permanent;
      if (permanent) fs.rmSync(part, { force: true });
      if (permanent || attempt >= retries) {
        const kept = fs.existsSync(part) ? ` (${sizeOf(part)} bytes kept in ${part}; run again to resume)` : '';
        throw new Error(`${(e as Error).message}${kept}`);
      }
      await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5000)));
    }
  }
  const digest = await sha256File(part);
  const bytes = sizeOf(part);
  if (pin && digest !== pin) {
    fs.rmSync(part, { force: true });
    throw new Error(`${name}.pt: sha256 mismatch: got ${digest}, expected the pinned ${pin} (from ${url}); the download was removed`);
  }
  if (!pin) {
    warn(`${name}.pt: no sha256 is pinned for this file; the downloaded file's sha256 is ${digest}`);
    if (!opts.allowUnpinned) {
      fs.rmSync(part, { force: true });
      throw new Error(`${name}.pt: its sha256 is not pinned, so it cannot be verified; pass --allow-unpinned to keep it (sha256 ${digest})`);
    }
  }
  fs.renameSync(part, file);
  return { file, sha256: digest, bytes, downloaded: true, resumedFrom };
}
