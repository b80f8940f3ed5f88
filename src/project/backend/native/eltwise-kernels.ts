import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { NativeAddon } from './addon';
import { broadcastPlan, slicePlan, sumPlan } from './layout';
import { size, uninit } from './memory';

/**
 * The step's element-wise glue as native kernels of the `native` backend: broadcasting binary ops,
 * Sum over one block of axes, Slice, ConcatV2 and SplitV. The cpu backend runs these as per-element
 * JavaScript loops (with index arithmetic per element and a transpose before every Sum), which cost
 * more than the convolutions. Anything outside the float32 fast paths goes to the cpu kernel.
 */
type Info = tf.TensorInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };
export type Fallback = (name: string, args: KernelArgs) => Info | Info[];

/** The addon's op codes. */
export const ELTWISE_OPS: Record<string, number> = {
  [tf.Add]: 0, [tf.Sub]: 1, [tf.Multiply]: 2, [tf.RealDiv]: 3, [tf.Maximum]: 4, [tf.Minimum]: 5, [tf.SquaredDifference]: 6,
};

/** Below this many outputs the cpu kernel's plain loop is cheaper than planning plus a native call. */
const SMALL = 1024;

const cpuOf = (b: tf.KernelBackend): MathBackendCPU => b as unknown as MathBackendCPU;

/** The tensor's own Float32Array (no copy), or undefined when it is not float32 data. */
function f32Of(backend: tf.KernelBackend, t: Info): Float32Array | undefined {
  if (t.dtype !== 'float32') return undefined;
  const v = cpuOf(backend).data.get(t.dataId).values;
  return v instanceof Float32Array ? v : undefined;
}

const out = (backend: tf.KernelBackend, shape: number[], data: Float32Array): Info => cpuOf(backend).makeTensorInfo(shape, 'float32', data);

export function registerEltwiseKernels(addon: NativeAddon, backendName: string, fallback: Fallback): string[] {
  const reg = (kernelName: string, f: (args: KernelArgs) => Info | Info[] | undefined): void => {
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ((a: KernelArgs) => f(a) ?? fallback(kernelName, a)) as unknown as tf.KernelFunc,
    });
  };

  for (const [name, op] of Object.entries(ELTWISE_OPS)) {
    reg(name, ({ inputs, backend }) => {
      const a = inputs.a as Info;
      const b = inputs.b as Info;
      const av = f32Of(backend, a);
      const bv = f32Of(backend, b);
      if (!av || !bv) return undefined;
      const plan = broadcastPlan(a.shape, b.shape);
      if (!plan || size(plan.outShape) < SMALL) return undefined;
      const y = uninit(size(plan.outShape));
      addon.binaryOp(op, plan.shape, plan.aStrides, plan.bStrides, av, bv, y);
      return out(backend, plan.outShape, y);
    });
  }

  reg(tf.Sum, ({ inputs, backend, attrs }) => {
    const x = inputs.x as Info;
    const xv = f32Of(backend, x);
    if (!xv || x.shape.length === 0 || size(x.shape) === 0) return undefined;
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const plan = sumPlan(x.shape, axes);
    if (!plan) return undefined;
    const shape = keepDims ? x.shape.map((s, d) => (axes.includes(d) ? 1 : s)) : x.shape.filter((_, d) => !axes.includes(d));
    const y = uninit(plan.outer * plan.inner);
    addon.sumMiddle(plan.outer, plan.mid, plan.inner, xv, y);
    return out(backend, shape, y);
  });

  reg(tf.Slice, ({ inputs, backend, attrs }) => {
    const x = inputs.x as Info;
    const xv = f32Of(backend, x);
    if (!xv || x.shape.length === 0) return undefined;
    const { begin, size: sz } = attrs as unknown as { begin: number[]; size: number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x, begin, sz);
    if (size(s) === 0) return undefined;
    const plan = slicePlan(x.shape, b, s);
    const y = uninit(size(s));
    addon.sliceCopy(plan.shape, plan.begin, plan.size, xv, y);
    return out(backend, s, y);
  });

  reg(tf.Concat, ({ inputs, backend, attrs }) => {
    const xs = inputs as unknown as Info[];
    if (!Array.isArray(xs) || xs.length < 2) return undefined;
    const vals = xs.map((t) => f32Of(backend, t));
    if (vals.some((v) => !v || v.length === 0)) return undefined;
    const rank = xs[0].shape.length;
    if (rank === 0 || xs.some((t) => t.shape.length !== rank)) return undefined;
    const axis = tf.util.parseAxisParam((attrs as unknown as { axis: number }).axis, xs[0].shape)[0];
    for (const t of xs) if (t.shape.some((s, d) => d !== axis && s !== xs[0].shape[d])) return undefined;
    const shape = xs[0].shape.slice();
    shape[axis] = xs.reduce((acc, t) => acc + t.shape[axis], 0);
    const m = size(shape.slice(0, axis));
    const y = uninit(size(shape));
    addon.concatChannels(m, vals as Float32Array[], y);
    return out(backend, shape, y);
  });

  reg(tf.SplitV, ({ inputs, backend, attrs }) => {
    const x = inputs.x as Info;
    const xv = f32Of(backend, x);
    if (!xv || x.shape.length === 0 || size(x.shape) === 0) return undefined;
    const { numOrSizeSplits, axis } = attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
    if (sizes.some((s) => s <= 0)) return undefined;
    const m = size(x.shape.slice(0, ax));
    const shapes = sizes.map((s) => x.shape.map((d, i) => (i === ax ? s : d)));
    const outs = shapes.map((s) => uninit(size(s)));
    addon.splitChannels(m, xv, outs);
    return shapes.map((s, i) => out(backend, s, outs[i]));
  });

  reg(tf.BatchMatMul, ({ inputs, backend, attrs }) => {
    const a = inputs.a as Info;
    const b = inputs.b as Info;
    const av = f32Of(backend, a);
    const bv = f32Of(backend, b);
    if (!av || !bv || a.shape.length < 2 || b.shape.length < 2 || av.length === 0 || bv.length === 0) return undefined;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    if (k !== kb) return undefined;
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const ba = size(batchA);
    const bb = size(batchB);
    // Equal batch dims, or one side without batch: anything else (general broadcasting) goes to cpu.
    const same = batchA.length === batchB.length && batchA.every((d, i) => d === batchB[i]);
    if (!same && ba !== 1 && bb !== 1) return undefined;
    const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
    const c = uninit(Math.max(ba, bb) * m * n);
    addon.matmul(ba, bb, m, n, k, transposeA, transposeB, av, bv, c);
    return out(backend, [...batchShape, m, n], c);
  });

  return [...Object.keys(ELTWISE_OPS), tf.Sum, tf.Slice, tf.Concat, tf.SplitV, tf.BatchMatMul];
}
