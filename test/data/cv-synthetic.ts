/**
 * The synthetic pictures of scripts/gen-cv-fixtures.py (`synthetic(kind, seed, w, h)`), rebuilt byte for
 * byte: HWC uint8, 3 channels. The LCG: state = state * 1664525 + 1013904223 (mod 2^32), byte = state >> 24.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type SyntheticKind = 'noise' | 'binary' | 'ramp' | 'blocks';

function lcgBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

export function synthetic(kind: SyntheticKind, seed: number, w: number, h: number): Uint8Array {
  const n = w * h * 3;
  if (kind === 'noise') return lcgBytes(seed, n);
  if (kind === 'binary') return lcgBytes(seed, n).map((v) => (v >= 128 ? 255 : 0));
  const out = new Uint8Array(n);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++, i++) {
        out[i] = kind === 'ramp'
          ? (x * (3 + c) + y * (5 - c) + seed) % 256
          : (Math.floor(x / 3) + Math.floor(y / 3) + c + seed) % 2 === 0 ? 255 : 0;
      }
    }
  }
  return out;
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export const CV_FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'cv');

export function readCvFixture<T>(name: string): { opencv: string; cases: T[] } {
  return JSON.parse(fs.readFileSync(path.join(CV_FIXTURES, name), 'utf8'));
}

/** Where two byte arrays differ: count and largest difference (for failure messages and reports). */
export function byteDiff(a: Uint8Array, b: Uint8Array): { count: number; max: number; first: number } {
  let count = 0, max = 0, first = -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d) { count++; if (d > max) max = d; if (first < 0) first = i; }
  }
  return { count: count + Math.abs(a.length - b.length), max, first };
}
