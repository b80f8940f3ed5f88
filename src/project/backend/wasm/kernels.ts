import * as tf from '@tensorflow/tfjs-core';
import { KernelCaller } from './kernel-call';
import { conv2dBackpropFilterInfo } from './conv-filter-grad';
import { convGeometry } from './conv-geometry';
import { conv2dBackpropInputInfo } from './conv-input-grad';

/**
 * Kernels the wasm backend lacks (Conv2DBackpropFilter, UnsortedSegmentSum: the gather gradient) or runs
 * slowly (Conv2DBackpropInput, a naive loop at 1-2 GFLOP/s). Besides the tfjs attributes, the conv
 * gradients accept `dilations` (the tfjs ops never pass it; the fast Conv+BN+SiLU does).
 */
const BACKEND = 'wasm';

function caller(backend: unknown): KernelCaller {
  return new KernelCaller(backend as tf.KernelBackend, BACKEND);
}

function assertNHWC(dataFormat: unknown, what: string): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') throw new Error(`${what} on wasm supports only NHWC, got ${String(dataFormat)}`);
}

const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as {
    strides: number | [number, number];
    pad: unknown;
    dataFormat?: string;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
    dilations?: number | [number, number];
  };
  assertNHWC(a.dataFormat, 'Conv2DBackpropFilter');
  const g = convGeometry(x.shape, a.filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode);
  return conv2dBackpropFilterInfo(caller(backend), x, dy, a.filterShape, g);
};

const conv2DBackpropInput: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as {
    strides: number | [number, number];
    pad: unknown;
    dataFormat?: string;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
    dilations?: number | [number, number];
  };
  assertNHWC(a.dataFormat, 'Conv2DBackpropInput');
  const g = convGeometry(a.inputShape, filter.shape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode);
  return conv2dBackpropInputInfo(caller(backend), dy, filter, a.inputShape, g);
};

/**
 * out[s, ...] = sum of x[i, ...] over i with segmentIds[i] == s (ids out of range are dropped, as in TF).
 * segmentIds may cover several leading axes of x; they are flattened together. A plain loop: the loss
 * gathers at most a few thousand rows.
 */
const unsortedSegmentSum: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const b = backend as tf.KernelBackend & {
    makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
    typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array;
  };
  const rows = tf.util.sizeFromShape(segmentIds.shape);
  const inner = tf.util.sizeFromShape(x.shape.slice(segmentIds.shape.length));
  const out = b.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
  const o = b.typedArrayFromHeap(out);
  o.fill(0);
  const xv = b.typedArrayFromHeap(x);
  const ids = b.typedArrayFromHeap(segmentIds);
  for (let i = 0; i < rows; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) o[dst + j] += xv[src + j];
  }
  return out;
};

/**
 * Stock wasm hands 'same' to XNNPACK as a flag, and XNNPACK's SAME padding differs from tfjs' for some
 * shapes (e.g. a 1x4 kernel, stride 2, width 7: the output is wrong). Resolving 'same' to explicit pixels
 * with tfjs' own rule first makes the forward agree with the gradients and the cpu backend.
 */
function explicitSamePad(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const a = args.attrs as unknown as { pad: unknown; strides: number | [number, number]; dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
    if (a.pad !== 'same') return stock.kernelFunc(args);
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const g = convGeometry(x.shape, filter.shape, a.strides, a.dilations ?? 1, 'same', a.dimRoundingMode);
    const pad = [[0, 0], [g.pads.top, g.pads.bottom], [g.pads.left, g.pads.right], [0, 0]];
    return stock.kernelFunc({ ...args, attrs: { ...args.attrs, pad } as unknown as tf.NamedAttrMap });
  };
  return { ...stock, kernelFunc };
}

function stockKernel(name: string): tf.KernelConfig {
  const k = stockKernels.get(name) ?? tf.getKernel(name, BACKEND);
  if (!k) throw new Error(`the wasm backend has no ${name} kernel (is @tensorflow/tfjs-backend-wasm loaded?)`);
  stockKernels.set(name, k);
  return k;
}
const stockKernels = new Map<string, tf.KernelConfig>();

export const wasmKernelConfigs = (): tf.KernelConfig[] => [
  { kernelName: tf.Conv2DBackpropFilter, backendName: BACKEND, kernelFunc: conv2DBackpropFilter },
  { kernelName: tf.Conv2DBackpropInput, backendName: BACKEND, kernelFunc: conv2DBackpropInput },
  { kernelName: tf.UnsortedSegmentSum, backendName: BACKEND, kernelFunc: unsortedSegmentSum },
  explicitSamePad(stockKernel(tf.Conv2D)),
  explicitSamePad(stockKernel(tf.FusedConv2D)),
];

/** Registers the kernels, replacing stock ones where they exist (idempotent). */
export function registerWasmKernels(): void {
  for (const cfg of wasmKernelConfigs()) {
    if (tf.getKernel(cfg.kernelName, cfg.backendName)) tf.unregisterKernel(cfg.kernelName, cfg.backendName);
    tf.registerKernel(cfg);
  }
}
