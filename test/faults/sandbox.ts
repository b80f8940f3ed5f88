/**
 * A case's sandbox and the checks every case makes: exit status, a message naming the file or option,
 * nothing written outside the output folder, no partial file that looks complete, no lost or duplicated
 * results rows.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import type { Done } from './processes';

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
      const { readSafetensors } = await import('../../src/project/model/weights/safetensors');
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
