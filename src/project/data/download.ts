import * as fs from 'node:fs';
import * as path from 'node:path';
import { CocoImage, DataError, readCocoFile } from './coco';
import { resolveInside } from './safe-path';
import { verifyDecodes } from './image-process';
import { writeFileAtomicAsync } from './atomic-write';
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

class PermanentError extends Error {}

/** Does the file decode completely, and do its (EXIF-rotated or raw) pixels have the annotated size or its aspect? */
async function verifyImage(buf: Buffer, im: CocoImage): Promise<void> {
  const p = await verifyDecodes(buf);
  const okSize = (p.width === im.width && p.height === im.height) || (p.rawW === im.width && p.rawH === im.height);
  // The 640 px Flickr copy keeps the aspect: accept it when that URL was chosen.
  const sameAspect = Math.abs(p.width / p.height - im.width / im.height) < 0.02;
  if (!okSize && !sameAspect) throw new Error(`decoded ${p.width}x${p.height}, annotated ${im.width}x${im.height}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fetchOnce(url: string, timeoutMs: number): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!res.ok) {
    const msg = `HTTP ${res.status}`;
    // 4xx other than 408/429 will not get better by retrying.
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new PermanentError(msg);
    throw new Error(msg);
  }
  const buf = Buffer.from(await res.arrayBuffer());
  const len = res.headers.get('content-length');
  if (len !== null && Number(len) !== buf.length) throw new Error(`truncated: ${buf.length} of ${len} bytes`);
  return buf;
}

/**
 * Fetch TACO's images from the URLs in annotations.json: concurrent, retried with exponential
 * backoff, resumable (complete files are kept), verified (decodes, size matches), atomic (tmp + rename).
 * Off by default: nothing calls it but `taco data download`.
 */
export async function downloadTaco(opts: DownloadOptions): Promise<DownloadReport> {
  const t0 = Date.now();
  const ds = readCocoFile(opts.annotations);
  const out = path.resolve(opts.out);
  const field = opts.urlField ?? 'flickr_url';
  const retries = opts.retries ?? 3;
  const backoff = opts.backoffMs ?? 500;
  const timeoutMs = opts.timeoutMs ?? 60000;
  const images = ds.images.filter((im) => (opts.only ? opts.only(im) : true));
  const report: DownloadReport = { total: images.length, downloaded: 0, alreadyComplete: 0, failed: [], bytes: 0, seconds: 0 };
  let done = 0;
  opts.onProgress?.({ done, total: images.length, failed: 0 });
  await mapPool(images, Math.max(1, opts.concurrency ?? 8), async (im) => {
    const url = (im[field] as string | null | undefined) ?? '';
    const fail = (error: string) => report.failed.push({ file: im.file_name, url, error });
    try {
      const dst = resolveInside(out, im.file_name);
      if (!dst) return fail(`unsafe file_name (outside ${out})`);
      if (fs.existsSync(dst)) {
        try {
          await verifyImage(await fs.promises.readFile(dst), im);
          report.alreadyComplete++;
          return;
        } catch {
          // incomplete or corrupt from an earlier run: fetch again
        }
      }
      if (!/^https?:\/\//.test(url)) return fail(`no http(s) URL in '${field}'`);
      let lastErr = '';
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1));
        try {
          const buf = await fetchOnce(url, timeoutMs);
          await verifyImage(buf, im);
          await writeFileAtomicAsync(dst, buf);
          report.downloaded++;
          report.bytes += buf.length;
          return;
        } catch (e) {
          lastErr = (e as Error).name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (e as Error).message;
          if (e instanceof PermanentError) break;
        }
      }
      fail(lastErr);
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
