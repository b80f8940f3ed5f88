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
 * Flat, unique-by-construction name for a TACO image: `batch_1/000006.jpg` -> `batch_1_000006.jpg`,
 * `batch_3/IMG_4852.JPG` -> `batch_3_IMG_4852.jpg` (outputs are re-encoded JPEGs, hence `.jpg`).
 */
export function flatName(fileName: string): string {
  const norm = fileName.replace(/\\/g, '/').replace(/^\.\/+/, '');
  const ext = path.posix.extname(norm);
  const stem = norm.slice(0, norm.length - ext.length).replace(/\//g, '_').replace(/[^A-Za-z0-9_.-]/g, '_');
  return `${stem}.jpg`;
}
