/**
 * One training run per run folder. `train` and `train --resume` hold `<run>/.taco-run.lock` while they
 * write the folder; two writers interleave results.csv rows and break each other's checkpoint renames.
 *
 * The lock file records pid, host, start time and command. It appears complete or not at all (written
 * under a private name, then hard-linked into place, which fails if a lock exists). A lock whose process
 * is gone (on this host: no such pid, a zombie, or the pid now belongs to a younger process) is stale and taken over;
 * only one process at a time may take a stale lock over, guarded by a second lock file. A lock from another
 * host cannot be checked and is refused, with the file to delete named.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onExitCleanup } from '../exit-cleanup';

export const LOCK_FILE = '.taco-run.lock';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
  /** the process's start time in clock ticks since boot (/proc/<pid>/stat), to tell a reused pid */
  procStart?: string;
}

export interface RunLock {
  file: string;
  info: LockInfo;
  /** the stale lock this one replaced */
  tookOver?: LockInfo;
  /** removes the lock file if it is still this process's (also done at exit) */
  release(): void;
}

export class RunLockedError extends Error {}

/** State letter and start time (clock ticks since boot) of a process, from /proc; undefined where there is none. */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], start: f[19] };
  } catch {
    return undefined;
  }
}

const procStart = (pid: number): string | undefined => procStat(pid)?.start;

function readLock(file: string): LockInfo | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
    return v && typeof v.pid === 'number' && typeof v.host === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** true: running; false: gone; undefined: cannot tell (another host). */
export function holderAlive(info: LockInfo): boolean | undefined {
  if (info.host !== os.hostname()) return undefined;
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = procStat(info.pid);
  if (now === undefined) return !fs.existsSync('/proc/self/stat');
  // A zombie (killed, not yet reaped by its parent) holds nothing; a reused pid belongs to a younger process.
  if (now.state === 'Z' || now.state === 'X') return false;
  if (info.procStart !== undefined && now.start !== info.procStart) return false;
  return true;
}

export function describeHolder(info: LockInfo): string {
  return `pid ${info.pid} on ${info.host}, started ${info.startedAt}${info.command ? ` (${info.command})` : ''}`;
}

/** Creates `file` with `text` only if it does not exist; false if it does. */
function createExclusive(file: string, text: string): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  fs.writeFileSync(tmp, text);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

const sameHolder = (a: LockInfo | undefined, b: LockInfo) => a !== undefined && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

/** Removes the stale lock `stale` unless someone else is already replacing it; true if this process did. */
function removeStale(file: string, stale: LockInfo): boolean {
  const guard = `${file}.takeover`;
  try {
    // A guard left by a process that died while taking over (a tiny window) expires.
    if (Date.now() - fs.statSync(guard).mtimeMs > 30_000) fs.rmSync(guard, { force: true });
  } catch {
    // no guard
  }
  if (!createExclusive(guard, String(process.pid))) return false;
  try {
    if (!sameHolder(readLock(file), stale)) return false;
    fs.rmSync(file, { force: true });
    return true;
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

/** Takes the lock of run folder `dir` (created if needed), or throws RunLockedError naming the holder. */
export function acquireRunLock(dir: string, command: string): RunLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command, procStart: procStart(process.pid) };
  let tookOver: LockInfo | undefined;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(file, `${JSON.stringify(info, null, 1)}\n`)) {
      const release = onExitCleanup(() => {
        if (sameHolder(readLock(file), info)) fs.rmSync(file, { force: true });
      });
      return { file, info, tookOver, release };
    }
    const held = readLock(file);
    if (held === undefined) {
      // Unreadable (not written by this code, or damaged): only its age can say it is abandoned.
      let age = 0;
      try {
        age = Date.now() - fs.statSync(file).mtimeMs;
      } catch {
        continue; // gone meanwhile: try again
      }
      if (age > 60_000) {
        fs.rmSync(file, { force: true });
        continue;
      }
      throw new RunLockedError(`${dir} is locked (${file} exists but cannot be read); if no training runs there, delete ${file}`);
    }
    const alive = holderAlive(held);
    if (alive === true) throw new RunLockedError(`${dir} is in use by another training run: ${describeHolder(held)}. Wait for it to end or stop it; only one run may write a run folder.`);
    if (alive === undefined)
      throw new RunLockedError(`${dir} is locked by ${describeHolder(held)}, a process on another machine that taco cannot check; if that run is over, delete ${file}`);
    if (removeStale(file, held)) tookOver = held;
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // another process is taking it over: look again
  }
  throw new RunLockedError(`${dir}: could not take the run lock ${file} (other processes keep taking it)`);
}

/** The line a caller logs after taking over a stale lock. */
export function tookOverMessage(dir: string, stale: LockInfo): string {
  return `${dir}: took over the run lock of ${describeHolder(stale)}, which is no longer running`;
}
