/** Starting a real server for a browser test: a free loopback port, and waiting until the server answers. */
import type { ChildProcess } from 'node:child_process';
import * as net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Polls `url` until it answers 2xx; fails early, with the server's log, if `proc` (named `name`) exits. */
export async function waitForServer(name: string, url: string, proc: ChildProcess, log: () => string, ms: number): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode}):\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not answer ${url} within ${ms / 1000} s:\n${log()}`);
}
