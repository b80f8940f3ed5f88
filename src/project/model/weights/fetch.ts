/**
 * Fetching ultralytics' released YOLOv8 checkpoints into a cache folder: resumable (HTTP Range on a
 * `.part` file, RFC 9110 §14), size-limited, verified against a pinned sha256, and atomic (the file
 * appears under its name only after the check, by rename). Nothing calls it unless asked:
 * `taco weights fetch`, or `resolveWeights` for a bare name like `yolov8n`. The pins, the cache
 * folder and the single download live beside it; this module stays their one import path.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { FetchError, requestInto } from './resumable-download';
import { sha256File, sizeOf, weightsCacheDir } from './cache';
import { DEFAULT_MAX_BYTES, DEFAULT_WEIGHTS_URL, WEIGHT_NAMES, WEIGHT_SHA256, weightName } from './pins';
import type { WeightName } from './pins';

export { DEFAULT_MAX_BYTES, DEFAULT_WEIGHTS_URL, WEIGHT_NAMES, WEIGHT_SHA256, weightName, weightsCacheDir };
export type { WeightName };

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
