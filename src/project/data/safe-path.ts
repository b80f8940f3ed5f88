import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Resolve a dataset-relative name (a COCO `file_name`) inside `root`, or undefined when it would
 * escape it (`..`, absolute, drive letters, NUL). Inputs are untrusted: never read or write outside.
 */
export function resolveInside(root: string, rel: string): string | undefined {
  if (typeof rel !== 'string' || rel.length === 0 || rel.includes('\0')) return undefined;
  if (path.isAbsolute(rel) || path.win32.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) return undefined;
  const parts = rel.split(/[\\/]+/);
  if (parts.some((p) => p === '..')) return undefined;
  const base = path.resolve(root);
  const full = path.resolve(base, rel);
  return full === base || !full.startsWith(base + path.sep) ? undefined : full;
}

/**
 * A symbolic link on the way from `root` to `full` (a path inside root by name) that leads outside root's
 * real folder, as a message naming the link and its target; undefined when there is none. A name that is
 * inside can still reach any file through a link: readers and writers of a chosen folder check this too.
 * Links that stay inside the folder are fine. Parts of the path that do not exist yet cannot be links.
 */
export function linkOutside(root: string, full: string): string | undefined {
  const base = path.resolve(root);
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(base);
  } catch {
    return undefined;
  }
  const rel = path.relative(base, path.resolve(full));
  if (rel.startsWith('..') || path.isAbsolute(rel)) return `${full} is outside ${root}`;
  let cur = base;
  for (const part of rel.split(path.sep).filter(Boolean)) {
    cur = path.join(cur, part);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(cur);
    } catch {
      return undefined;
    }
    if (!st.isSymbolicLink()) continue;
    let target: string;
    try {
      target = fs.realpathSync(cur);
    } catch {
      target = path.resolve(path.dirname(cur), fs.readlinkSync(cur)); // dangling
    }
    if (target !== realRoot && !target.startsWith(realRoot + path.sep)) return `${path.relative(base, cur)} is a symbolic link to ${target}, outside ${root}`;
  }
  return undefined;
}

/**
 * Flat, unique-by-construction name for a TACO image: `batch_1/000006.jpg` -> `batch_1_000006.jpg`,
 * `batch_3/IMG_4852.JPG` -> `batch_3_IMG_4852.jpg` (outputs are re-encoded JPEGs, hence `.jpg`).
 */
export function flatName(fileName: string): string {
  const norm = fileName.replace(/\\/g, '/').replace(/^\.\/+/, '');
  const ext = path.posix.extname(norm);
  const stem = norm.slice(0, norm.length - ext.length).replace(/\//g, '_').replace(/[^A-Za-z0-9_.-]/g, '_');
  return `${stem}.jpg`;
}
