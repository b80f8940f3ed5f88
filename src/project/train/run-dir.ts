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

/**
 * nextRunDir, claimed: the folder is created here, atomically, so two runs started at once under the same
 * name get exp and exp2 rather than one folder. `created` says whether this call made it.
 */
export function claimRunDir(project: string, name: string, existOk: boolean): { dir: string; created: boolean } {
  const base = path.join(project, name);
  fs.mkdirSync(project, { recursive: true });
  for (let n = 1; n < 10000; n++) {
    const dir = n === 1 ? base : `${base}${n}`;
    try {
      fs.mkdirSync(dir);
      return { dir, created: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (existOk) return { dir, created: false };
    }
  }
  throw new Error(`${base}: too many runs with this name`);
}

/** Removes `dir` if nothing is in it (a run that failed before writing anything leaves no folder). */
export function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty, or gone
  }
}

/**
 * A new run in a reused folder (--exist-ok) starts over: the earlier run's results.csv and checkpoints
 * would otherwise mix with the new rows (a second "1," row) or be resumed as if they were the new run's.
 * Returns the files removed.
 */
export function clearEarlierRun(dir: string): string[] {
  const weights = path.join(dir, 'weights');
  const files = [path.join(dir, 'results.csv')];
  if (fs.existsSync(weights)) for (const f of fs.readdirSync(weights)) if (/^(last|best)[.]/.test(f)) files.push(path.join(weights, f));
  return files.filter((f) => fs.existsSync(f)).map((f) => (fs.rmSync(f, { force: true }), f));
}
