import * as fs from 'node:fs';
import * as path from 'node:path';
import { CocoImage, DataError, readCocoFile } from './coco';
import { linkOutside, resolveInside } from './safe-path';
import { verifyDecodes } from './image-process';
import { mapPool } from './pool';

export interface DownloadOptions {
  /** TACO's annotations.json (its images carry the URLs) */
  annotations: string;
  /** the TACO data folder to fill: <out>/batch_N/<name> */
  out: string;
  concurrency?: number;
  retries?: number;
  /** first backoff; doubles per retry */
  backoffMs?: number;
  /** per request */
  timeoutMs?: number;
  /** per file: a larger response is cut off while it streams (default 50 MB; TACO's largest photo is ~10 MB) */
  maxBytes?: number;
  /** which URL of an image entry: TACO's own download.py uses the original (flickr_url) */
  urlField?: 'flickr_url' | 'flickr_640_url' | 'coco_url';
  /** only these file_names (for a partial fetch) */
  only?: (im: CocoImage) => boolean;
  onProgress?: (p: { done: number; total: number; failed: number }) => void;
}

export interface DownloadReport {
  total: number;
  downloaded: number;
  alreadyComplete: number;
  failed: { file: string; url: string; error: string }[];
  bytes: number;
  seconds: number;
}

export const DEFAULT_MAX_BYTES = 50e6;

class PermanentError extends Error {}

/** Does the file decode completely, and do its (EXIF-rotated or raw) pixels have the annotated size or its aspect? */
async function verifyImage(file: string, im: CocoImage): Promise<void> {
  const p = await verifyDecodes(file);
  const okSize = (p.width === im.width && p.height === im.height) || (p.rawW === im.width && p.rawH === im.height);
  // The 640 px Flickr copy keeps the aspect: accept it when that URL was chosen.
  const sameAspect = Math.abs(p.width / p.height - im.width / im.height) < 0.02;
  if (!okSize && !sameAspect) throw new Error(`decoded ${p.width}x${p.height}, annotated ${im.width}x${im.height}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const mb = (bytes: number) => `${+(bytes / 1e6).toFixed(3)} MB`;

/**
 * One request, streamed into `tmp` (never held in memory whole): cut off past `maxBytes`, whether the
 * server announced its length or not. Returns the bytes written.
 */
async function fetchToFile(url: string, tmp: string, timeoutMs: number, maxBytes: number): Promise<number> {
  const ctrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, timeoutMs);
  try {
    const res = await fetch(url, { signal: ctrl.signal, redirect: 'follow' });
    if (!res.ok) {
      ctrl.abort();
      const msg = `HTTP ${res.status}`;
      // 4xx other than 408/429 will not get better by retrying.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new PermanentError(msg);
      throw new Error(msg);
    }
    const len = res.headers.get('content-length');
    const announced = len === null ? undefined : Number(len);
    if (announced !== undefined && announced > maxBytes) {
      ctrl.abort();
      throw new PermanentError(`larger than the --max-size limit of ${mb(maxBytes)} (${announced} bytes announced)`);
    }
    let bytes = 0;
    const fh = await fs.promises.open(tmp, 'w');
    try {
      if (res.body) {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          bytes += chunk.length;
          if (bytes > maxBytes) {
            ctrl.abort();
            throw new PermanentError(`larger than the --max-size limit of ${mb(maxBytes)} (cut off at ${bytes} bytes)`);
          }
          await fh.write(chunk);
        }
      }
    } catch (e) {
      if (e instanceof PermanentError || timedOut) throw e;
      throw new Error(announced !== undefined ? `truncated: ${bytes} of ${announced} bytes` : `connection lost after ${bytes} bytes (${(e as Error).message})`);
    } finally {
      await fh.close();
    }
    if (announced !== undefined && announced !== bytes) throw new Error(`truncated: ${bytes} of ${announced} bytes`);
    return bytes;
  } catch (e) {
    if (timedOut) throw new Error(`timeout after ${timeoutMs} ms`);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fetch TACO's images from the URLs in annotations.json: concurrent, retried with exponential
 * backoff, resumable (complete files are kept), verified (decodes, size matches), streamed to a
 * private `.part` file under a size limit and renamed into place only when verified. Nothing is read
 * or written through a link that leads outside `out`; a corrupt file that cannot be fetched again is
 * removed, not left looking complete. Off by default: nothing calls it but `taco data download`.
 */
export async function downloadTaco(opts: DownloadOptions): Promise<DownloadReport> {
  const t0 = Date.now();
  const ds = readCocoFile(opts.annotations);
  const out = path.resolve(opts.out);
  const field = opts.urlField ?? 'flickr_url';
  const retries = opts.retries ?? 3;
  const backoff = opts.backoffMs ?? 500;
  const timeoutMs = opts.timeoutMs ?? 60000;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const images = ds.images.filter((im) => (opts.only ? opts.only(im) : true));
  const report: DownloadReport = { total: images.length, downloaded: 0, alreadyComplete: 0, failed: [], bytes: 0, seconds: 0 };
  fs.mkdirSync(out, { recursive: true });
  let done = 0;
  opts.onProgress?.({ done, total: images.length, failed: 0 });
  await mapPool(images, Math.max(1, opts.concurrency ?? 8), async (im) => {
    const url = (im[field] as string | null | undefined) ?? '';
    const fail = (error: string) => report.failed.push({ file: im.file_name, url, error });
    let corrupt: string | undefined;
    /** A file that failed verification and could not be replaced goes; the report says so. */
    const failKeeping = (error: string) => {
      if (corrupt === undefined) return fail(error);
      fs.rmSync(dst as string, { force: true });
      fail(`${error}; the corrupt file already there (${corrupt}) was removed`);
    };
    let dst: string | undefined;
    try {
      dst = resolveInside(out, im.file_name);
      if (!dst) return fail(`unsafe file_name (outside ${out})`);
      const link = linkOutside(out, dst);
      if (link) return fail(`${link}: not read or written`);
      if (fs.existsSync(dst)) {
        try {
          await verifyImage(dst, im);
          report.alreadyComplete++;
          return;
        } catch (e) {
          // incomplete or corrupt from an earlier run: fetch again
          corrupt = (e as Error).message;
        }
      }
      if (!/^https?:\/\//.test(url)) return failKeeping(`no http(s) URL in '${field}'`);
      await fs.promises.mkdir(path.dirname(dst), { recursive: true });
      // One name per file: a .part left by a killed run is replaced, then removed, by the next attempt.
      const tmp = `${dst}.part`;
      let lastErr = '';
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1));
        try {
          const bytes = await fetchToFile(url, tmp, timeoutMs, maxBytes);
          await verifyImage(tmp, im);
          await fs.promises.rename(tmp, dst);
          report.downloaded++;
          report.bytes += bytes;
          return;
        } catch (e) {
          lastErr = (e as Error).message;
          if (e instanceof PermanentError) break;
        } finally {
          await fs.promises.rm(tmp, { force: true });
        }
      }
      failKeeping(lastErr);
    } finally {
      done++;
      opts.onProgress?.({ done, total: images.length, failed: report.failed.length });
    }
  });
  report.seconds = (Date.now() - t0) / 1000;
  return report;
}

/** Where `taco data download --out DIR` finds annotations.json when --annotations is not given. */
export function defaultAnnotationsFile(out: string): string {
  const f = path.join(out, 'annotations.json');
  if (!fs.existsSync(f)) throw new DataError(`${f} does not exist: pass --annotations FILE (TACO's data/annotations.json)`);
  return f;
}
