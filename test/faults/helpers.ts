/**
 * The fault suite's tools: `taco` as a real process (its own process group, so signals and clean-ups
 * reach the whole tree), the process table from /proc, tiny datasets, and the five checks every case
 * makes: exit status, a message naming the file or option, nothing written outside the output folder,
 * no partial file that looks complete, no lost or duplicated results rows.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';

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

/** A sandbox: `in/` for inputs, `out/` for what the command may write; the command runs in the sandbox root. */
export interface Sandbox { root: string; inDir: string; outDir: string; before: Map<string, string> }

export function sandbox(tag: string): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `taco-fault-${tag}-`));
  fs.mkdirSync(path.join(root, 'in'));
  fs.mkdirSync(path.join(root, 'out'));
  return { root, inDir: path.join(root, 'in'), outDir: path.join(root, 'out'), before: new Map() };
}

/** Takes the "before" picture of the sandbox, once the inputs are in place. */
export function markInputs(sb: Sandbox): void {
  sb.before = snapshot(sb.root);
}

/** relative path -> size and mtime, links not followed. */
export function snapshot(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p);
      if (e.isDirectory()) walk(p);
      else m.set(path.relative(dir, p), `${st.size}:${st.mtimeMs}`);
    }
  };
  walk(dir);
  return m;
}

/** Files created or changed under `sb.root` but outside `out/` (and outside `allowed`). */
export function writtenOutside(sb: Sandbox, allowed: string[] = []): string[] {
  const after = snapshot(sb.root);
  const ok = ['out', ...allowed].map((a) => a + path.sep);
  return [...after].filter(([k, v]) => sb.before.get(k) !== v && !ok.some((a) => k.startsWith(a))).map(([k]) => k);
}

const PARTIAL = /(\.tmp|\.part|\.partial|\.download|\.pending(\.[a-z.]+)?)$/;

/**
 * The files that look complete are: JSON parses, pictures decode, safetensors parse, results rows run 1..n.
 * Files under a temporary name (.tmp, .part, a checkpoint's .pending) say they are not complete; a process
 * that ended on its own leaves none, one killed mid-write may (`killed`), and a later run replaces them.
 */
export async function assertSound(dir: string, o: { killed?: boolean } = {}): Promise<void> {
  const files = [...snapshot(dir).keys()];
  for (const f of files) {
    const p = path.join(dir, f);
    if (PARTIAL.test(f)) {
      assert.ok(o.killed, `partial file left: ${p}`);
      continue;
    }
    if (fs.lstatSync(p).isSymbolicLink()) continue;
    if (f.endsWith('.json')) assert.doesNotThrow(() => JSON.parse(fs.readFileSync(p, 'utf8')), `${p} is not complete JSON`);
    if (/\.(jpe?g|png)$/i.test(f)) await assert.doesNotReject(sharp(p, { failOn: 'truncated' }).raw().toBuffer(), `${p} does not decode`);
    if (path.basename(f) === 'results.csv') assertRows(p);
    if (f.endsWith('.safetensors')) {
      const { readSafetensors } = await import('../../src/project/model/safetensors');
      assert.doesNotThrow(() => readSafetensors(p), `${p} is not a complete safetensors file`);
    }
  }
}

/** results.csv: epochs 1, 2, ..., n, each once; returns n. */
export function assertRows(file: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  const epochs = lines.slice(1).map((l) => Number(l.split(',')[0]));
  assert.deepEqual(epochs, epochs.map((_, i) => i + 1), `${file}: epochs ${epochs.join(',')}`);
  return epochs.length;
}

/** The checks every case makes (status, message, nothing outside out/, sound outputs). */
export async function expectCase(sb: Sandbox, r: Done, o: { status: number | number[]; message?: RegExp; allowedOutside?: string[]; killed?: boolean; sound?: boolean }): Promise<void> {
  const want = Array.isArray(o.status) ? o.status : [o.status];
  assert.ok(want.includes(r.status as number), `exit status ${r.status} (signal ${r.signal}), want ${want.join(' or ')}:\n${r.out}`);
  assert.doesNotMatch(r.out, /^\s+at .+\(.+:\d+:\d+\)$/m, `a stack trace:\n${r.out}`);
  if (o.message) assert.match(r.out, o.message, r.out);
  assert.deepEqual(writtenOutside(sb, o.allowedOutside), [], 'files written outside out/');
  // sound: false while another process is still writing the output folder (checked once it is done).
  if (o.sound !== false) await assertSound(sb.outDir, { killed: o.killed });
}

export function cleanup(sb: Sandbox): void {
  fs.rmSync(sb.root, { recursive: true, force: true });
}

/** A small picture with one coloured box (so the detector has something to see). */
export async function picture(w = 64, h = 64): Promise<Buffer> {
  const box = await sharp({ create: { width: Math.round(w * 0.4), height: Math.round(h * 0.4), channels: 3, background: { r: 220, g: 40, b: 40 } } }).png().toBuffer();
  return sharp({ create: { width: w, height: h, channels: 3, background: { r: 60, g: 110, b: 70 } } })
    .composite([{ input: box, left: Math.round(w * 0.3), top: Math.round(h * 0.3) }])
    .jpeg()
    .toBuffer();
}

export const LABEL = '0 0.500000 0.500000 0.400000 0.400000\n';

export interface TinyImage { name: string; bytes?: Buffer; label?: string | null }

/**
 * A YOLO dataset in `dir`: data.yaml (2 classes), images/<split>, labels/<split>. `label: null` writes no
 * label file; the default is one box.
 */
export async function tinyDataset(dir: string, splits: Partial<Record<'train' | 'val' | 'test', TinyImage[]>>): Promise<string> {
  const pic = await picture();
  for (const s of ['train', 'val', 'test'] as const) {
    fs.mkdirSync(path.join(dir, 'images', s), { recursive: true });
    fs.mkdirSync(path.join(dir, 'labels', s), { recursive: true });
    for (const im of splits[s] ?? []) {
      fs.writeFileSync(path.join(dir, 'images', s, im.name), im.bytes ?? pic);
      const label = im.label === undefined ? LABEL : im.label;
      if (label !== null) fs.writeFileSync(path.join(dir, 'labels', s, im.name.replace(/\.[^.]+$/, '.txt')), label);
    }
  }
  const yaml = path.join(dir, 'data.yaml');
  fs.writeFileSync(yaml, 'train: images/train\nval: images/val\ntest: images/test\nnc: 2\nnames:\n  0: a\n  1: b\n');
  return yaml;
}

export const images = (n: number, prefix = 'im', label?: string | null): TinyImage[] => Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}.jpg`, label }));

/** Training flags for a run of a few seconds (yolov8n, 64 px, wasm). */
export const TINY_TRAIN = ['--model', 'yolov8n', '--imgsz', '64', '--batch', '4', '--backend', 'wasm', '--seed', '1', '--close-mosaic', '0'];

/** A loopback HTTP server; `handler` decides each response. */
export async function loopback(handler: http.RequestListener): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** TACO's annotations.json for `taco data download`: one image entry per (file, url, size). */
export function annotationsFor(file: string, entries: { file: string; url: string; width?: number; height?: number }[]): void {
  const ann = {
    images: entries.map((e, i) => ({ id: i + 1, file_name: e.file, width: e.width ?? 64, height: e.height ?? 64, flickr_url: e.url })),
    annotations: [],
    categories: [],
  };
  fs.writeFileSync(file, JSON.stringify(ann));
}
