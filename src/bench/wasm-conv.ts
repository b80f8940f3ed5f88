import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Conv forward / input-gradient / weight-gradient throughput on YOLOv8n's layer shapes (320x320, batch 8),
 * per tfjs backend, and the same shapes in PyTorch (when /usr/bin/python3 has torch) in the same run.
 */
export type ConvOp = 'forward' | 'inputGrad' | 'weightGrad';
export const CONV_OPS: ConvOp[] = ['forward', 'inputGrad', 'weightGrad'];

export interface ConvShape {
  layer: string;
  n: number; h: number; w: number; cin: number; cout: number; k: number; stride: number;
}

/** Representative YOLOv8n convs at imgsz 320, batch 8 (widths 16..256; autopad k//2). */
export const YOLOV8N_320_B8: ConvShape[] = [
  { layer: 'model.0 stem 3x3/2', n: 8, h: 320, w: 320, cin: 3, cout: 16, k: 3, stride: 2 },
  { layer: 'model.1 3x3/2', n: 8, h: 160, w: 160, cin: 16, cout: 32, k: 3, stride: 2 },
  { layer: 'model.2 C2f bottleneck 3x3', n: 8, h: 80, w: 80, cin: 16, cout: 16, k: 3, stride: 1 },
  { layer: 'model.3 3x3/2', n: 8, h: 80, w: 80, cin: 32, cout: 64, k: 3, stride: 2 },
  { layer: 'model.4 C2f cv2 1x1', n: 8, h: 40, w: 40, cin: 128, cout: 64, k: 1, stride: 1 },
  { layer: 'model.4 C2f bottleneck 3x3', n: 8, h: 40, w: 40, cin: 32, cout: 32, k: 3, stride: 1 },
  { layer: 'model.6 C2f bottleneck 3x3', n: 8, h: 20, w: 20, cin: 64, cout: 64, k: 3, stride: 1 },
  { layer: 'model.7 3x3/2', n: 8, h: 20, w: 20, cin: 128, cout: 256, k: 3, stride: 2 },
  { layer: 'model.9 SPPF cv2 1x1', n: 8, h: 10, w: 10, cin: 512, cout: 256, k: 1, stride: 1 },
  { layer: 'model.22 box 3x3 (P3)', n: 8, h: 40, w: 40, cin: 64, cout: 64, k: 3, stride: 1 },
];

export function outSize(s: ConvShape): [number, number] {
  const p = Math.floor(s.k / 2);
  return [Math.floor((s.h + 2 * p - s.k) / s.stride) + 1, Math.floor((s.w + 2 * p - s.k) / s.stride) + 1];
}

/** Multiply-adds x 2 of one conv; its two gradients cost the same. */
export function convFlops(s: ConvShape): number {
  const [ho, wo] = outSize(s);
  return 2 * s.n * ho * wo * s.k * s.k * s.cin * s.cout;
}

export interface Timing { seconds: number; gflops: number; reps: number }
export interface BenchRow {
  layer: string;
  shape: string;
  op: ConvOp;
  gflop: number;
  /** backend name -> timing (null: skipped, with the reason in `skipped`). */
  tfjs: Record<string, Timing | null>;
  skipped: Record<string, string>;
  torch?: Timing;
  /** torch seconds / backend seconds (1 = as fast as PyTorch). */
  ratioToTorch: Record<string, number>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Times one op (median of reps after two warm-ups: the first call of a shape also pays for first-touch page faults of its output). The tensors are made once. */
export function timeTfjsOp(s: ConvShape, op: ConvOp, reps: number): Timing {
  const [ho, wo] = outSize(s);
  const p = Math.floor(s.k / 2);
  const pad = [[0, 0], [p, p], [p, p], [0, 0]];
  const x = tf.randomUniform([s.n, s.h, s.w, s.cin], -1, 1) as tf.Tensor4D;
  const w = tf.randomUniform([s.k, s.k, s.cin, s.cout], -1, 1) as tf.Tensor4D;
  const dy = tf.randomUniform([s.n, ho, wo, s.cout], -1, 1) as tf.Tensor4D;
  const attrs = { strides: s.stride, pad, dataFormat: 'NHWC', dilations: 1 } as unknown as tf.NamedAttrMap;
  const run = (): tf.Tensor =>
    op === 'forward'
      ? tf.conv2d(x, w, s.stride, pad as unknown as 'valid')
      : op === 'inputGrad'
        ? (tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, { ...attrs, inputShape: x.shape }) as tf.Tensor)
        : (tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: w.shape }) as tf.Tensor);
  const times: number[] = [];
  try {
    const warmups = 2;
    for (let i = 0; i < warmups + reps; i++) {
      const t0 = process.hrtime.bigint();
      const out = run();
      // Wait for asynchronous backends by reading one value: reading the whole output (dataSync) would
      // hand its array to the caller, and the native engine could no longer reuse that memory.
      tf.tidy(() => tf.slice(tf.reshape(out, [-1]), [0], [1]).dataSync());
      const dt = Number(process.hrtime.bigint() - t0) / 1e9;
      out.dispose();
      if (i >= warmups) times.push(dt);
    }
  } finally {
    tf.dispose([x, w, dy]);
  }
  const sec = median(times);
  return { seconds: sec, gflops: convFlops(s) / sec / 1e9, reps };
}

const TORCH_SCRIPT = String.raw`
import json, sys, time, torch
cfg = json.load(sys.stdin)
torch.set_num_threads(cfg["threads"])
torch.manual_seed(0)
out = []
for s in cfg["shapes"]:
    p = s["k"] // 2
    x = torch.randn(s["n"], s["cin"], s["h"], s["w"]).to(memory_format=torch.channels_last).requires_grad_()
    w = torch.randn(s["cout"], s["cin"], s["k"], s["k"]).to(memory_format=torch.channels_last).requires_grad_()
    y = torch.nn.functional.conv2d(x, w, stride=s["stride"], padding=p)
    dy = torch.randn_like(y).contiguous(memory_format=torch.channels_last)
    ops = {
        "forward": lambda: torch.nn.functional.conv2d(x.detach(), w.detach(), stride=s["stride"], padding=p),
        "inputGrad": lambda: torch.autograd.grad(y, x, dy, retain_graph=True),
        "weightGrad": lambda: torch.autograd.grad(y, w, dy, retain_graph=True),
    }
    row = {}
    for name, fn in ops.items():
        with torch.no_grad() if name == "forward" else torch.enable_grad():
            fn()
            ts = []
            for _ in range(cfg["reps"]):
                t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
        ts.sort()
        row[name] = ts[len(ts) // 2]
    out.append(row)
print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), "times": out}))
`;

export interface TorchResult { version: string; threads: number; times: Record<ConvOp, number>[] }

/** Runs the shapes through PyTorch, or returns the reason it could not. */
export function timeTorch(shapes: ConvShape[], reps: number, threads: number, python = '/usr/bin/python3'): TorchResult | string {
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `PyTorch not available (${python} -c "import torch" failed)`;
  const r = spawnSync(python, ['-c', TORCH_SCRIPT], {
    input: JSON.stringify({ shapes, reps, threads }),
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, OMP_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0) return `PyTorch run failed: ${(r.stderr || '').trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as TorchResult;
}
