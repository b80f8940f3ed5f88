import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zmq from 'zeromq';
import { address, ConnectionInfo, newConnectionInfo, writeConnectionFile } from './connection';
import { decode, encode, JupyterMessage, makeMessage, MessageHeader } from './wire';

/**
 * The kernel launcher: tslab's kernel, set up so that cells can import the project's `src/` from a
 * notebook folder (see tslab-kernel.js). Run with the current node, not a PATH lookup.
 */
export function kernelLauncher(): string {
  return path.join(__dirname, 'tslab-kernel.js');
}

export interface ExecuteReply {
  status: 'ok' | 'error' | 'abort';
  execution_count: number | null;
  /** Kernel-side timestamps (ISO strings) in nbclient's names. */
  timing: Record<string, string>;
  /** The reply did not come before the timeout; the kernel was interrupted (and may be dead). */
  timedOut: boolean;
}

export interface StartOptions {
  /** The kernel's working folder: the notebook's, so `../src/...` imports resolve as in Jupyter. */
  cwd: string;
  /** Give up starting after this long (tslab's compiler warm-up takes seconds on a busy machine). */
  startTimeoutMs?: number;
  /** Extra environment for the kernel (e.g. TACO_GRADING=1 while grading). */
  env?: Record<string, string>;
}

type Waiter = (msg: JupyterMessage) => void;

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

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
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
 * A client for one tslab kernel over the Jupyter messaging protocol v5: spawns it, connects the
 * shell/control/stdin (DEALER), iopub (SUB) and heartbeat (REQ) channels, and routes every reply and
 * iopub message to whoever waits for its parent msg_id.
 */
export class KernelClient {
  readonly session = `taco-${process.pid}-${Date.now().toString(36)}`;
  /** Seconds from spawn to a completed kernel_info handshake. */
  startSeconds = 0;
  kernelInfo: Record<string, unknown> = {};
  private readonly shell: zmq.Dealer;
  private readonly control: zmq.Dealer;
  private readonly stdin: zmq.Dealer;
  private readonly iopub: zmq.Subscriber;
  private readonly hb: zmq.Request;
  private readonly replyWaiters = new Map<string, Waiter>();
  private readonly iopubWaiters = new Map<string, Waiter>();
  private exited: { code: number | null; signal: string | null } | null = null;
  private exitListeners: (() => void)[] = [];
  private logTail = '';
  private closed = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly conn: ConnectionInfo,
    private readonly connFile: string,
  ) {
    const opts = { linger: 0 };
    this.shell = new zmq.Dealer(opts);
    this.control = new zmq.Dealer(opts);
    this.stdin = new zmq.Dealer(opts);
    this.iopub = new zmq.Subscriber(opts);
    this.hb = new zmq.Request({ linger: 0, receiveTimeout: 2000 });
    this.shell.connect(address(conn, conn.shell_port));
    this.control.connect(address(conn, conn.control_port));
    this.stdin.connect(address(conn, conn.stdin_port));
    this.iopub.connect(address(conn, conn.iopub_port));
    this.iopub.subscribe();
    this.hb.connect(address(conn, conn.hb_port));
    void this.pump(this.shell, this.replyWaiters);
    void this.pump(this.control, this.replyWaiters);
    void this.pump(this.iopub, this.iopubWaiters);
    // Nothing asks for input (allow_stdin is false), but drain the channel anyway.
    void this.pump(this.stdin, new Map());
    const keep = (b: Buffer): void => {
      this.logTail = (this.logTail + b.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      live.delete(child);
      for (const l of this.exitListeners.splice(0)) l();
    });
  }

  static async start(opts: StartOptions): Promise<KernelClient> {
    const t0 = Date.now();
    const conn = await newConnectionInfo();
    const connFile = writeConnectionFile(conn);
    const child = spawn(process.execPath, [kernelLauncher(), 'kernel', '--config-path', connFile], {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
    });
    installExitHook();
    live.add(child);
    const k = new KernelClient(child, conn, connFile);
    try {
      await k.handshake(opts.startTimeoutMs ?? 90_000);
    } catch (e) {
      await k.shutdown({ force: true });
      throw e;
    }
    k.startSeconds = (Date.now() - t0) / 1000;
    return k;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isAlive(): boolean {
    return this.exited === null;
  }

  /** The kernel process's own stdout/stderr (outside cell executions): where tslab start-up failures show. */
  get log(): string {
    return this.logTail;
  }

  private async pump(sock: zmq.Dealer | zmq.Subscriber, waiters: Map<string, Waiter>): Promise<void> {
    try {
      for await (const frames of sock) {
        let msg: JupyterMessage;
        try {
          msg = decode(this.conn.key, frames);
        } catch {
          continue; // unsigned or malformed: ignore, as jupyter_client does
        }
        const parent = msg.parent_header.msg_id;
        if (parent) waiters.get(parent)?.(msg);
      }
    } catch {
      /* socket closed */
    }
  }

  private onExit(l: () => void): () => void {
    this.exitListeners.push(l);
    return () => {
      this.exitListeners = this.exitListeners.filter((x) => x !== l);
    };
  }

  private deathError(what: string): Error {
    const how = this.exited ? (this.exited.signal ? `signal ${this.exited.signal}` : `exit code ${this.exited.code}`) : 'unknown';
    const tail = this.logTail.trim() ? `\nkernel log:\n${this.logTail.trim().split('\n').slice(-20).join('\n')}` : '';
    return new Error(`tslab kernel died ${what} (${how})${tail}`);
  }

  /**
   * kernel_info until both its reply (shell works) and one of its iopub status messages arrive: a SUB
   * socket misses what is published before it has connected, so executing earlier could lose outputs.
   */
  private async handshake(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let gotReply = false;
    let gotIopub = false;
    const ids: string[] = [];
    try {
      while (!(gotReply && gotIopub)) {
        if (this.exited) throw this.deathError('while starting');
        if (Date.now() > deadline) throw new Error(`tslab kernel did not answer kernel_info within ${timeoutMs / 1000} s${this.logTail ? `\nkernel log:\n${this.logTail}` : ''}`);
        const req = makeMessage(this.session, 'kernel_info_request', {});
        ids.push(req.header.msg_id);
        this.replyWaiters.set(req.header.msg_id, (m) => {
          gotReply = true;
          this.kernelInfo = m.content;
        });
        this.iopubWaiters.set(req.header.msg_id, () => {
          gotIopub = true;
        });
        await this.shell.send(encode(this.conn.key, req));
        const until = Date.now() + (gotReply ? 200 : 1000);
        while (Date.now() < until && !(gotReply && gotIopub) && !this.exited) await sleep(20);
      }
    } finally {
      for (const id of ids) {
        this.replyWaiters.delete(id);
        this.iopubWaiters.delete(id);
      }
    }
  }

  /** One heartbeat round trip; false when the kernel does not echo within 2 s. */
  async heartbeat(): Promise<boolean> {
    try {
      await this.hb.send('ping');
      const [echo] = await this.hb.receive();
      return echo.toString() === 'ping';
    } catch {
      return false;
    }
  }

  /**
   * Runs one cell. `onIopub` sees every iopub message of this execution (outputs, status). Resolves
   * when both the execute_reply and the iopub `idle` status have arrived (only then are all outputs in),
   * or at the timeout after an interrupt and a grace period.
   */
  async execute(code: string, onIopub: (m: JupyterMessage) => void, timeoutMs: number, stopOnError = true): Promise<ExecuteReply> {
    if (this.exited) throw this.deathError('before the cell ran');
    const req = makeMessage(this.session, 'execute_request', {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: stopOnError,
    });
    const id = req.header.msg_id;
    const timing: Record<string, string> = {};
    let reply: JupyterMessage | null = null;
    let idle = false;
    let settle: (() => void) | null = null;
    const done = new Promise<void>((r) => (settle = r));
    const check = (): void => {
      if (reply && idle) settle?.();
    };
    this.iopubWaiters.set(id, (m) => {
      if (m.header.msg_type === 'status') {
        const state = (m.content as { execution_state?: string }).execution_state;
        if (state === 'busy') timing['iopub.status.busy'] = m.header.date;
        if (state === 'idle') {
          timing['iopub.status.idle'] = m.header.date;
          idle = true;
          check();
        }
      } else if (m.header.msg_type === 'execute_input') {
        timing['iopub.execute_input'] = m.header.date;
      }
      onIopub(m);
    });
    this.replyWaiters.set(id, (m) => {
      if (m.header.msg_type !== 'execute_reply') return;
      timing['shell.execute_reply'] = m.header.date;
      reply = m;
      check();
    });
    const offExit = this.onExit(() => settle?.());
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    try {
      await this.shell.send(encode(this.conn.key, req));
      const first = await Promise.race([done.then(() => 'done' as const), timedOut]);
      if (first === 'timeout') {
        // tslab's SIGINT handler rejects the running cell's pending awaits; a synchronous loop ignores
        // it, so wait briefly, and the caller then shuts the kernel down.
        this.interrupt();
        await Promise.race([done, sleep(2000)]);
      }
      if (!reply && this.exited && first !== 'timeout') throw this.deathError('while running a cell');
      const r = reply as JupyterMessage | null;
      const content = (r?.content ?? {}) as { status?: string; execution_count?: number };
      const status = content.status === 'ok' || content.status === 'abort' ? content.status : 'error';
      return { status: first === 'timeout' ? 'error' : status, execution_count: content.execution_count ?? null, timing, timedOut: first === 'timeout' };
    } finally {
      clearTimeout(timer);
      offExit();
      this.iopubWaiters.delete(id);
      this.replyWaiters.delete(id);
    }
  }

  /** Jupyter's default interrupt_mode "signal": SIGINT to the kernel process itself. */
  interrupt(): void {
    if (this.child.pid !== undefined && !this.exited) {
      try { process.kill(this.child.pid, 'SIGINT'); } catch { /* gone */ }
    }
  }

  /**
   * shutdown_request on the control channel, then (if it is still there after a grace period) SIGTERM
   * and SIGKILL to its process group. Closes our sockets and removes the connection file. Idempotent.
   */
  async shutdown(opts: { force?: boolean; graceMs?: number } = {}): Promise<void> {
    const graceMs = opts.graceMs ?? 2000;
    if (this.closed) return;
    this.closed = true;
    const exited = new Promise<void>((r) => {
      if (this.exited) r();
      else this.onExit(r);
    });
    if (!this.exited && !opts.force) {
      try {
        const req = makeMessage(this.session, 'shutdown_request', { restart: false });
        await Promise.race([this.control.send(encode(this.conn.key, req)), sleep(500)]);
      } catch { /* the kernel may be gone already */ }
      await Promise.race([exited, sleep(graceMs)]);
    }
    if (!this.exited) {
      killGroup(this.child, 'SIGTERM');
      await Promise.race([exited, sleep(1000)]);
    }
    if (!this.exited) {
      killGroup(this.child, 'SIGKILL');
      await Promise.race([exited, sleep(2000)]);
    }
    // Whatever the kernel leader did, no cell-spawned process of its group should outlive it.
    killGroup(this.child, 'SIGKILL');
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.hb]) {
      try { s.close(); } catch { /* already closed */ }
    }
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    fs.rmSync(path.dirname(this.connFile), { recursive: true, force: true });
  }
}

export type { MessageHeader };
