import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../project/backend/native/addon';

/**
 * PyTorch side by side for the benchmarks: runs native/torch_bench.py (the same YOLOv8 architecture,
 * channels_last, 2 threads) with Debian's python3-torch when it is installed. `bench train` can call
 * `torchBaseline({ mode: 'train', ... })` too (its training loss is a surrogate: see the script).
 */
export interface TorchArgs { mode: 'predict' | 'train'; scale: string; imgsz: number; batch: number; steps: number; warmup: number; nc?: number; threads?: number }
export interface TorchResult { torch: string; threads: number; secPerStep: number }

export const PYTHON = process.env.TACO_PYTHON ?? '/usr/bin/python3';

/** The timing, or a string saying why there is none (no python3, no torch, the script failed). */
export function torchBaseline(a: TorchArgs): TorchResult | string {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found (the PyTorch baseline runs python3 with torch; TACO_PYTHON names the interpreter)`;
  const script = path.join(repoRoot, 'native', 'torch_bench.py');
  const r = spawnSync(PYTHON, [script, JSON.stringify(a)], { encoding: 'utf8', timeout: 30 * 60 * 1000 });
  if (r.status !== 0) {
    const err = (r.stderr ?? '').trim().split('\n').pop() ?? '';
    return /No module named 'torch'/.test(r.stderr ?? '') ? 'PyTorch not installed (apt-get install python3-torch)' : `PyTorch run failed: ${err}`;
  }
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() as string) as TorchResult;
  } catch {
    return `PyTorch run printed no result: ${r.stdout.slice(-200)}`;
  }
}
