import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { loadAddon } from './addon';
import { ConvGeometry, convGeometry, outShape } from './geometry';
import { noteDisposed, noteEscape, noteWrite, size, uninit } from './memory';
import { registerEltwiseKernels } from './eltwise-kernels';

/**
 * The `native` tfjs backend: the cpu backend's kernels, with the convolutions (forward, both
 * gradients, fused with bias) replaced by oneDNN. Plain tfjs convs (tf.conv2d and its gradients,
 * e.g. in the loss or user code) thus run natively too; the model's hot blocks go through ops.ts.
 */
export const NATIVE_BACKEND = 'native';

type Info = tf.TensorInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

function values(backend: tf.KernelBackend, t: Info): Float32Array {
  const v = (backend as unknown as MathBackendCPU).data.get(t.dataId).values;
  if (v instanceof Float32Array) return v;
  return Float32Array.from(v as ArrayLike<number>);
}

function output(backend: tf.KernelBackend, shape: number[], data: Float32Array): Info {
  return (backend as unknown as MathBackendCPU).makeTensorInfo(shape, 'float32', data);
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** tfjs' own padding arithmetic ('same', 'valid', explicit), turned into the addon's geometry. */
function geometryOf(xShape: number[], wShape: number[], a: ConvAttrs): ConvGeometry | undefined {
  if (a.dataFormat === 'NCHW') return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], wShape as [number, number, number, number], a.strides, a.dilations ?? 1,
    a.pad, a.dimRoundingMode, false, 'channelsLast',
  );
  const p = info.padInfo;
  const g = convGeometry({
    x: xShape, w: wShape, strides: [info.strideHeight, info.strideWidth], dilations: [info.dilationHeight, info.dilationWidth],
    pads: [p.top, p.left, p.bottom, p.right],
  });
  // tfjs may round differently ('ceil' modes): use the cpu kernel when the shapes disagree.
  return g[4] === info.outHeight && g[5] === info.outWidth ? g : undefined;
}

/** Registers the `native` backend (once). Throws when the addon cannot be loaded. */
export function registerNativeBackend(): void {
  const addon = loadAddon();
  if (tf.findBackendFactory(NATIVE_BACKEND)) return;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { MathBackendCPU } = require('@tensorflow/tfjs-backend-cpu') as typeof import('@tensorflow/tfjs-backend-cpu');
  /** The cpu backend, telling memory.ts who owns which array, so disposed tensors' arrays are reused. */
  class PoolingBackend extends MathBackendCPU {
    override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId {
      noteWrite(values);
      return super.write(values, shape, dtype);
    }
    override move(dataId: tf.DataId, values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
      noteEscape(values);
      super.move(dataId, values, shape, dtype, refCount);
    }
    override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
      const v = super.readSync(dataId);
      noteEscape(v);
      return v;
    }
    override disposeData(dataId: tf.DataId, force = false): boolean {
      const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
      const released = super.disposeData(dataId, force);
      if (released && values !== undefined && !this.data.has(dataId)) noteDisposed(values);
      return released;
    }
  }
  tf.registerBackend(NATIVE_BACKEND, () => new PoolingBackend(), 0);
  const cpu = new Map(tf.getKernelsForBackend('cpu').map((k) => [k.kernelName, k]));
  const fallback = (name: string, args: KernelArgs): Info | Info[] => {
    const k = cpu.get(name);
    if (!k) throw new Error(`native backend: no cpu kernel ${name}`);
    return k.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as Info | Info[];
  };
  const own = new Set([tf.Conv2D, tf.FusedConv2D, tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter]);
  for (const name of registerEltwiseKernels(addon, NATIVE_BACKEND, fallback)) own.add(name);
  for (const k of cpu.values()) if (!own.has(k.kernelName)) tf.registerKernel({ ...k, backendName: NATIVE_BACKEND });

  const conv2d = (args: KernelArgs, fused: boolean): Info | Info[] => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as ConvAttrs & { activation?: string };
    const x = inputs.x as Info;
    const w = inputs.filter as Info;
    const bias = inputs.bias as Info | undefined;
    const activation = attrs.activation ?? 'linear';
    const g = geometryOf(x.shape, w.shape, attrs);
    if (!g || (fused && activation !== 'linear') || (fused && bias && size(bias.shape) !== w.shape[3]) || x.dtype !== 'float32') {
      return fallback(fused ? tf.FusedConv2D : tf.Conv2D, args);
    }
    const y = uninit(size(outShape(g)));
    addon.convForward(g, values(backend, x), values(backend, w), bias ? values(backend, bias) : null, 0, false, y);
    return output(backend, outShape(g), y);
  };
  tf.registerKernel({ kernelName: tf.Conv2D, backendName: NATIVE_BACKEND, kernelFunc: (a) => conv2d(a as KernelArgs, false) as tf.TensorInfo });
  tf.registerKernel({ kernelName: tf.FusedConv2D, backendName: NATIVE_BACKEND, kernelFunc: (a) => conv2d(a as KernelArgs, true) as tf.TensorInfo });
  tf.registerKernel({
    kernelName: tf.Conv2DBackpropInput,
    backendName: NATIVE_BACKEND,
    kernelFunc: (a) => {
      const args = a as KernelArgs;
      const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
      const dy = args.inputs.dy as Info;
      const w = args.inputs.filter as Info;
      const g = geometryOf(attrs.inputShape, w.shape, attrs);
      if (!g || g[4] !== dy.shape[1] || g[5] !== dy.shape[2]) return fallback(tf.Conv2DBackpropInput, args) as Info;
      const dx = uninit(size(attrs.inputShape));
      addon.convBackwardData(g, values(args.backend, dy), values(args.backend, w), dx);
      return output(args.backend, attrs.inputShape, dx);
    },
  });
  tf.registerKernel({
    kernelName: tf.Conv2DBackpropFilter,
    backendName: NATIVE_BACKEND,
    kernelFunc: (a) => {
      const args = a as KernelArgs;
      const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
      const x = args.inputs.x as Info;
      const dy = args.inputs.dy as Info;
      const g = geometryOf(x.shape, attrs.filterShape, attrs);
      if (!g || g[4] !== dy.shape[1] || g[5] !== dy.shape[2]) return fallback(tf.Conv2DBackpropFilter, args) as Info;
      const dw = uninit(size(attrs.filterShape));
      addon.convBackwardWeights(g, values(args.backend, x), values(args.backend, dy), dw, null);
      return output(args.backend, attrs.filterShape, dw);
    },
  });
}
