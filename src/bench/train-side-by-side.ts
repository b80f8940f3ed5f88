import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { LOSS_TEXT, printKernels, printNativeCalls, printTable, type Opts, type Row } from './train-report';

/**
 * `bench train --backends native,wasm`: tfjs keeps one backend per process, so each backend runs
 * in a child `taco bench train --backend X --json`; the rounds alternate the backends so a machine
 * whose load changes treats them alike, and each backend keeps its best round. PyTorch (the same
 * architecture, surrogate loss: see native/torch_bench.py) runs in every round after them when
 * python3-torch is present.
 */
interface Child { backend: string; rows: Row[] }

function runChild(backend: string, o: Opts): Child | string {
  const bin = path.resolve(__dirname, '..', '..', 'bin', 'taco.js');
  const args = [bin, 'bench', 'train', '--backend', backend, '--json', '--models', o.models.join(','), '--imgsz', o.imgsz.join(','),
    '--batch', String(o.batch), '--steps', String(o.steps), '--warmup', String(o.warmup), '--nc', String(o.nc), '--loss', o.loss, '--no-torch', ...(o.profile ? ['--profile'] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  if (r.status !== 0) return `${backend}: exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').pop()}`;
  try {
    const j = JSON.parse(r.stdout) as { backend: string; rows: Row[] };
    return { backend: j.backend, rows: j.rows };
  } catch {
    return `${backend}: no JSON in its output`;
  }
}

export async function sideBySide(o: Opts): Promise<void> {
  const backends = o.backends as string[];
  const best = new Map<string, Map<string, Row>>();
  const rounds: { round: number; backend: string; key: string; imagesPerSec: number }[] = [];
  const errors: string[] = [];
  const torch = new Map<string, number | string>();
  const { torchBaseline } = await import('./torch-baseline');
  for (let round = 0; round < o.rounds; round++) {
    const order = round % 2 === 0 ? backends : [...backends].reverse();
    for (const b of order) {
      process.stderr.write(`bench train: round ${round + 1}/${o.rounds}, ${b}...\n`);
      const c = runChild(b, o);
      if (typeof c === 'string') {
        errors.push(c);
        continue;
      }
      const mine = best.get(b) ?? new Map<string, Row>();
      for (const r of c.rows) {
        const key = `${r.model} ${r.imgsz}`;
        rounds.push({ round: round + 1, backend: b, key, imagesPerSec: r.imagesPerSec });
        const prev = mine.get(key);
        if (!prev || !(prev.imagesPerSec >= r.imagesPerSec)) mine.set(key, r);
      }
      best.set(b, mine);
    }
    // PyTorch in every round too, so it meets the same machine load as the engines.
    for (const m of o.torch ? o.models : []) {
      for (const sz of o.imgsz) {
        const key = `yolov8${m} ${sz}`;
        process.stderr.write(`bench train: round ${round + 1}/${o.rounds}, PyTorch ${key}...\n`);
        const r = torchBaseline({ mode: 'train', scale: m, imgsz: sz, batch: o.batch, steps: o.steps, warmup: o.warmup, nc: o.nc });
        const prev = torch.get(key);
        if (typeof r === 'string') {
          if (typeof prev !== 'number') torch.set(key, r);
          continue;
        }
        const ips = o.batch / r.secPerStep;
        rounds.push({ round: round + 1, backend: 'pytorch', key, imagesPerSec: ips });
        if (typeof prev !== 'number' || prev < ips) torch.set(key, ips);
      }
    }
  }
  const keys = o.models.flatMap((m) => o.imgsz.map((s) => `yolov8${m} ${s}`));
  const table = keys.map((key) => {
    const row: Record<string, string | number> = { config: key };
    for (const b of backends) row[b] = best.get(b)?.get(key)?.imagesPerSec ?? Number.NaN;
    const t = torch.get(key);
    if (typeof t === 'number') row.pytorch = t;
    return row;
  });
  if (o.json) {
    const perBackend = Object.fromEntries([...best.entries()].map(([b, m]) => [b, [...m.values()]]));
    console.log(JSON.stringify({ batch: o.batch, steps: o.steps, rounds: o.rounds, loss: o.loss, imagesPerSec: table, perRound: rounds, perBackend, torch: Object.fromEntries(torch), errors }, null, 2));
    return;
  }
  console.log(`bench train side by side (images/s, batch ${o.batch}, ${o.steps} timed steps, best of ${o.rounds} round(s); ratio = first backend / the others)`);
  console.log(`${LOSS_TEXT[o.loss]}${torch.size ? "; PyTorch's loss: surrogate (mean of squares of the head maps)" : ''}`);
  const [first, ...rest] = backends;
  const head = ['config', ...backends, ...(torch.size ? ['pytorch'] : []), ...rest.map((b) => `${first}/${b}`), ...(torch.size ? [`${first}/pytorch`] : [])];
  const body = table.map((r) => {
    const v = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : Number.NaN);
    return [String(r.config), ...backends.map((b) => v(b).toFixed(2)), ...(torch.size ? [v('pytorch').toFixed(2)] : []),
      ...rest.map((b) => (v(first) / v(b)).toFixed(2)), ...(torch.size ? [(v(first) / v('pytorch')).toFixed(2)] : [])];
  });
  printTable(head, body);
  if (o.rounds > 1) for (const r of rounds) console.log(`  round ${r.round} ${r.backend.padEnd(8)} ${r.key}: ${r.imagesPerSec.toFixed(2)} images/s`);
  for (const [k, t] of torch) if (typeof t === 'string') console.log(`PyTorch ${k}: ${t}`);
  for (const e of errors) console.log(`failed: ${e}`);
  for (const b of backends) {
    for (const r of best.get(b)?.values() ?? []) {
      if (r.error) console.log(`${b} ${r.model} ${r.imgsz}: failed: ${r.error}`);
      printNativeCalls(r, `${b} `);
      printKernels(r, `${b} `);
    }
  }
}
