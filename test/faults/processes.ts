/**
 * `taco` as a real process for the fault suite: its own process group, so signals and clean-ups reach the
 * whole tree, and the process table read from /proc to find the workers a command leaves behind.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const TACO = path.join(ROOT, 'bin', 'taco.js');

export interface Done {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together */
  out: string;
  timedOut: boolean;
}

export interface Running {
  child: ChildProcess;
  /** the wrapper's pid (bin/taco.js) */
  pid: number;
  done: Promise<Done>;
  output(): string;
  /** resolves when `test` holds (output or files), rejects after `ms` */
  waitFor(test: RegExp | (() => boolean), ms?: number): Promise<void>;
}

/** Every pid started under a case, killed at the end whatever happened (an old wrapper leaves its worker running). */
const started = new Set<number>();

/** `node bin/taco.js ...` in its own process group; killed (group and all its descendants) after `timeoutMs`. */
export function startTaco(args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Running {
  const child = spawn(process.execPath, [TACO, ...args], {
    cwd: o.cwd, env: { ...process.env, TACO_DEBUG: '', ...o.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  const pid = child.pid as number;
  started.add(pid);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree(pid, 'SIGKILL');
  }, o.timeoutMs ?? 120_000);
  // 'exit', then the pipes' end: a worker that outlives its wrapper keeps them open, so that wait is bounded.
  const done = new Promise<Done>((resolve) => {
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      const finish = () => resolve({ status, signal, stdout, stderr, out: stdout + stderr, timedOut });
      const t = setTimeout(finish, 1500);
      child.on('close', () => { clearTimeout(t); finish(); });
    });
  });
  const waitFor = async (t: RegExp | (() => boolean), ms = 90_000) => {
    const t0 = Date.now();
    let exited = false;
    void done.then(() => (exited = true));
    for (;;) {
      if (t instanceof RegExp ? t.test(stdout + stderr) : t()) return;
      if (exited) throw new Error(`taco ${args.join(' ')} exited before ${t}:\n${stdout}${stderr}`);
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${t}:\n${stdout}${stderr}`);
      await sleep(t instanceof RegExp ? 20 : 3);
    }
  };
  return { child, pid, done, output: () => stdout + stderr, waitFor };
}

export function taco(args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Done> {
  return startTaco(args, o).done;
}

/** `s` as a literal inside a RegExp. */
export const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ppid and state of every process, from /proc. */
function processTable(): Map<number, { ppid: number; state: string }> {
  const m = new Map<number, { ppid: number; state: string }>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
      m.set(Number(e), { state: rest[0], ppid: Number(rest[1]) });
    } catch {
      // gone meanwhile
    }
  }
  return m;
}

export function childrenOf(pid: number): number[] {
  return [...processTable()].filter(([, p]) => p.ppid === pid).map(([k]) => k);
}

/** Running (not a zombie, not gone). */
export function isAlive(pid: number): boolean {
  const p = processTable().get(pid);
  return p !== undefined && p.state !== 'Z' && p.state !== 'X';
}

/** Descendants first, then `pid` itself. */
export function killTree(pid: number, sig: NodeJS.Signals): void {
  const table = processTable();
  const kids = (p: number): number[] => [...table].filter(([, x]) => x.ppid === p).flatMap(([k]) => [...kids(k), k]);
  for (const k of [...kids(pid), pid]) {
    try {
      process.kill(k, sig);
    } catch {
      // already gone
    }
  }
}

/** Waits until the wrapper has started its worker (the node process running src/cli/run.ts). */
export async function workerOf(pid: number, ms = 30_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const k = childrenOf(pid).find((c) => {
      try {
        return fs.readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('run.ts');
      } catch {
        return false;
      }
    });
    if (k) return k;
    if (Date.now() - t0 > ms) throw new Error(`no worker under pid ${pid}`);
    await sleep(10);
  }
}

export async function waitGone(pid: number, ms = 10_000): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (!isAlive(pid)) return true;
    await sleep(25);
  }
  return !isAlive(pid);
}

/** Kills every process a case started that is still around (workers orphaned by an old wrapper included). */
export function killStarted(extra: number[] = []): void {
  for (const p of [...started, ...extra]) killTree(p, 'SIGKILL');
  for (const p of extra) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // gone
    }
  }
  started.clear();
}
