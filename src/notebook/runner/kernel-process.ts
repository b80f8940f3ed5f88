import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

/**
 * The tslab kernel as an operating-system process: launched the way a Jupyter kernel spec's argv asks
 * (`kernel --config-path <connection file>`), in a process group of its own so that ending it also ends
 * whatever its cells spawned, and never outliving us.
 */

/**
 * The kernel launcher: tslab's kernel, set up so that cells can import the project's `src/` from a
 * notebook folder (see tslab-kernel.js). Run with the current node, not a PATH lookup.
 */
export function kernelLauncher(): string {
  return path.join(__dirname, 'tslab-kernel.js');
}

export interface StartOptions {
  /** The kernel's working folder: the notebook's, so `../src/...` imports resolve as in Jupyter. */
  cwd: string;
  /** Give up starting after this long (tslab's compiler warm-up takes seconds on a busy machine). */
  startTimeoutMs?: number;
  /** Extra environment for the kernel (e.g. TACO_GRADING=1 while grading). */
  env?: Record<string, string>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every kernel we spawned and have not reaped: killed on process exit so a crash never leaves one behind. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) killGroup(c, 'SIGKILL');
  });
}

/** Starts a kernel on the connection file `connFile`, leading its own process group. */
export function spawnKernel(opts: StartOptions, connFile: string): ChildProcess {
  const child = spawn(process.execPath, [kernelLauncher(), 'kernel', '--config-path', connFile], {
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
  });
  installExitHook();
  live.add(child);
  return child;
}

/** The kernel has exited: nothing left to kill when we exit. */
export function forgetKernel(child: ChildProcess): void {
  live.delete(child);
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // The kernel leads its own process group (detached), so this also ends anything a cell spawned.
    process.kill(-child.pid, signal);
  } catch {
    if (child.exitCode === null && child.signalCode === null) {
      try { child.kill(signal); } catch { /* already gone */ }
    }
  }
}

/**
 * After a polite shutdown was refused or not asked for: SIGTERM, then SIGKILL, to the kernel's process
 * group, each given a grace period to end the kernel (`exited` resolves when it has).
 */
export async function killKernelGroup(child: ChildProcess, exited: Promise<void>, hasExited: () => boolean): Promise<void> {
  if (!hasExited()) {
    killGroup(child, 'SIGTERM');
    await Promise.race([exited, sleep(1000)]);
  }
  if (!hasExited()) {
    killGroup(child, 'SIGKILL');
    await Promise.race([exited, sleep(2000)]);
  }
  // Whatever the kernel leader did, no cell-spawned process of its group should outlive it.
  killGroup(child, 'SIGKILL');
}
