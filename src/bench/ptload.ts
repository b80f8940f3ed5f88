/**
 * `taco bench ptload`: how fast a .pt checkpoint becomes float32 tensors — the shared ultralytics
 * files when present, and synthetic float16 state_dicts of growing size (same tensor count), which
 * show that the time is linear in the bytes.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePt } from '../project/model/pt/index';
import { PV, tensor, torchZip } from '../project/model/pt/synthetic';

export interface PtLoadRow {
  file: string;
  synthetic: boolean;
  bytes: number;
  tensors: number;
  runs: number;
  /** readFileSync, median ms */
  read_ms: number;
  /** zip + pickle + tensors, median ms */
  parse_ms: number;
  total_ms: number;
  min_total_ms: number;
  /** CPU time (user + system) of a load, median ms: less sensitive than wall time to other processes on the machine. */
  cpu_ms: number;
  mb_per_s: number;
}

export interface PtLoadReport {
  rows: PtLoadRow[];
  /** ms per MB of the synthetic files, smallest to largest: equal values mean linear time. */
  ms_per_mb_synthetic: number[];
  /** The same in CPU time. */
  cpu_ms_per_mb_synthetic: number[];
  node: string;
  cpus: number;
  loadavg: number;
}

const median = (v: number[]): number => {
  const s = v.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A torch.save-style state_dict of `count` float16 tensors totalling about `mb` MB. */
export function syntheticCheckpoint(mb: number, count = 355): Buffer {
  const per = Math.max(1, Math.floor((mb * 1e6) / 2 / count));
  const entries: [string, PV][] = [];
  const storages: Record<string, Uint8Array> = {};
  let x = 12345;
  for (let i = 0; i < count; i++) {
    const h = new Uint16Array(per);
    for (let j = 0; j < per; j++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      h[j] = (x >>> 16) & 0xbbff; // finite halves of both signs
    }
    storages[String(i)] = new Uint8Array(h.buffer);
    entries.push([`model.${i}.weight`, tensor(String(i), 'float16', per, [per])]);
  }
  return torchZip({ $ordered: entries }, storages, { zip64: true });
}

export function benchPtLoad(opts: { files: string[]; syntheticMb: number[]; repeat: number; onProgress?: (m: string) => void }): PtLoadReport {
  const rows: PtLoadRow[] = [];
  const tmp = opts.syntheticMb.length ? fs.mkdtempSync(path.join(os.tmpdir(), 'taco-ptload-')) : '';
  try {
    const targets = opts.files.map((f) => ({ file: f, synthetic: false }));
    for (const mb of opts.syntheticMb) {
      opts.onProgress?.(`generating a ${mb} MB checkpoint`);
      const f = path.join(tmp, `synthetic-${mb}MB.pt`);
      fs.writeFileSync(f, syntheticCheckpoint(mb));
      targets.push({ file: f, synthetic: true });
    }
    // Warm-up: the first parse of a process pays for JIT compilation.
    if (targets.length) parsePt(fs.readFileSync(targets[0].file), targets[0].file);
    for (const t of targets) {
      opts.onProgress?.(`loading ${path.basename(t.file)}`);
      const reads: number[] = [];
      const parses: number[] = [];
      const totals: number[] = [];
      const cpus: number[] = [];
      let tensors = 0;
      let bytes = 0;
      for (let r = 0; r < opts.repeat; r++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const buf = fs.readFileSync(t.file);
        const t1 = performance.now();
        const ck = parsePt(buf, t.file);
        const t2 = performance.now();
        const c = process.cpuUsage(c0);
        cpus.push((c.user + c.system) / 1000);
        reads.push(t1 - t0);
        parses.push(t2 - t1);
        totals.push(t2 - t0);
        tensors = ck.tensors.size;
        bytes = buf.byteLength;
      }
      const total = median(totals);
      rows.push({
        file: t.synthetic ? path.basename(t.file) : t.file, synthetic: t.synthetic, bytes, tensors, runs: opts.repeat,
        read_ms: median(reads), parse_ms: median(parses), total_ms: total, min_total_ms: Math.min(...totals), cpu_ms: median(cpus), mb_per_s: bytes / 1e6 / (total / 1000),
      });
    }
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
  const syn = rows.filter((r) => r.synthetic).sort((a, b) => a.bytes - b.bytes);
  return {
    rows, ms_per_mb_synthetic: syn.map((r) => r.total_ms / (r.bytes / 1e6)), cpu_ms_per_mb_synthetic: syn.map((r) => r.cpu_ms / (r.bytes / 1e6)), node: process.version, cpus: os.cpus().length, loadavg: os.loadavg()[0],
  };
}
