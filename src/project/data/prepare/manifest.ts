/**
 * The output folder's marker file of `taco data prepare`: it says the folder is ours (so a rerun may write
 * and delete there) and records every written image with its source's size and mtime, so a rerun reuses
 * up-to-date images and removes only files an earlier run wrote.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ImageProbe } from '../image-process';

export const MARKER = '.taco-prepare.json';
export const MANIFEST_VERSION = 1;

export interface ManifestEntry { src: string; size: number; mtimeMs: number; key: string; outSize: number; probe: ImageProbe }
export interface Manifest { version: number; complete: boolean; entries: Record<string, ManifestEntry> }

/** Absent marker: undefined. An unreadable or older one still marks the folder as ours, with nothing to reuse. */
export function readManifest(out: string): Manifest | undefined {
  const f = path.join(out, MARKER);
  if (!fs.existsSync(f)) return undefined;
  try {
    const m = JSON.parse(fs.readFileSync(f, 'utf8')) as Manifest;
    return m && m.version === MANIFEST_VERSION && m.entries ? m : { version: MANIFEST_VERSION, complete: false, entries: {} };
  } catch {
    return { version: MANIFEST_VERSION, complete: false, entries: {} };
  }
}
