import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * ultralytics' increment_path: runs/train/exp, then exp2, exp3, ... unless exist_ok. An earlier run
 * is never overwritten silently.
 */
export function nextRunDir(project: string, name: string, existOk: boolean): string {
  const base = path.join(project, name);
  if (existOk || !fs.existsSync(base)) return base;
  for (let n = 2; n < 10000; n++) {
    const p = `${base}${n}`;
    if (!fs.existsSync(p)) return p;
  }
  throw new Error(`${base}: too many runs with this name`);
}
