import * as tf from '@tensorflow/tfjs-core';
import { REG_MAX } from '../definition';
import { SafeFile, SafeTensor, readSafetensors, writeSafetensors } from './safetensors';
import type { YoloModel } from '../yolo';

/**
 * Weights in and out with ultralytics state_dict names. Conv kernels are OIHW in the file and HWIO
 * in the model; the transpose happens here, once. `num_batches_tracked` and the fixed DFL conv
 * (arange(reg_max)) are not model variables: ignored on load, written on save.
 */

export interface LoadReport {
  loaded: string[];
  /** Model tensors the file lacks (kept at their current values). */
  missing: string[];
  /** File tensors the model does not have. */
  unexpected: string[];
  /** Present in both with different shapes or a non-float dtype (skipped). */
  mismatched: { name: string; expected: number[]; got: number[]; dtype: string }[];
  /** Known non-variable tensors (num_batches_tracked, the DFL conv). */
  ignored: string[];
}

export interface LoadOptions {
  /**
   * Default true: any missing, unexpected or mis-shaped tensor is an error and nothing is loaded.
   * false: load what matches and report the rest (transfer to a different nc, partial files).
   */
  strict?: boolean;
}

const isIgnored = (name: string): boolean => name.endsWith('.num_batches_tracked') || /\.dfl\.conv\.weight$/.test(name);

/** HWIO [kh, kw, cin, cout] -> OIHW [cout, cin, kh, kw]; other ranks unchanged. */
const fileShape = (modelShape: number[]): number[] =>
  modelShape.length === 4 ? [modelShape[3], modelShape[2], modelShape[0], modelShape[1]] : modelShape.slice();

function listSome(names: string[], max = 8): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** Loads a safetensors file (path or parsed) into the model's variables; see `LoadOptions`. */
export function loadWeights(model: YoloModel, source: string | SafeFile, opts: LoadOptions = {}): LoadReport {
  const strict = opts.strict ?? true;
  const label = typeof source === 'string' ? source : 'weights';
  const file = typeof source === 'string' ? readSafetensors(source) : source;
  const named = model.namedTensors();
  const report: LoadReport = { loaded: [], missing: [], unexpected: [], mismatched: [], ignored: [] };
  const toLoad: [tf.Variable, SafeTensor, string][] = [];
  for (const [name, t] of file.tensors) {
    if (isIgnored(name)) {
      report.ignored.push(name);
      continue;
    }
    const v = named.get(name);
    if (!v) {
      report.unexpected.push(name);
      continue;
    }
    const expected = fileShape(v.shape);
    const floatLike = t.dtype === 'F32' || t.dtype === 'F16';
    if (!floatLike || expected.join(',') !== t.shape.join(',')) {
      report.mismatched.push({ name, expected, got: t.shape.slice(), dtype: t.dtype });
      continue;
    }
    toLoad.push([v, t, name]);
  }
  for (const name of named.keys()) if (!file.tensors.has(name)) report.missing.push(name);
  if (strict && (report.missing.length || report.unexpected.length || report.mismatched.length)) {
    const parts: string[] = [];
    if (report.missing.length) parts.push(`${report.missing.length} missing (${listSome(report.missing)})`);
    if (report.unexpected.length) parts.push(`${report.unexpected.length} unexpected (${listSome(report.unexpected)})`);
    if (report.mismatched.length)
      parts.push(
        `${report.mismatched.length} mis-shaped (${listSome(report.mismatched.map((m) => `${m.name}: file ${m.dtype}[${m.got.join(',')}], model expects [${m.expected.join(',')}]`), 4)})`,
      );
    throw new Error(
      `${label}: does not match YOLOv8${model.scale} nc=${model.nc}: ${parts.join('; ')}. Nothing was loaded; pass strict: false to load the matching tensors only.`,
    );
  }
  for (const [v, t, name] of toLoad) {
    tf.tidy(() => {
      const data = t.shape.length === 4 ? oihwToHwio(t.data as Float32Array, t.shape) : (t.data as Float32Array);
      v.assign(tf.tensor(data, v.shape, 'float32'));
    });
    report.loaded.push(name);
  }
  const nbt = [...file.tensors.entries()].find(([n]) => n.endsWith('.num_batches_tracked'));
  if (nbt && nbt[1].data instanceof BigInt64Array && nbt[1].data.length === 1) model.numBatchesTracked = Number(nbt[1].data[0]);
  return report;
}

/**
 * Kernel layout changes in plain JS: one pass over the data, with no tensor op (a wasm Transpose per
 * tensor made saving a yolov8n checkpoint take seconds).
 */
export function hwioToOihw(src: ArrayLike<number>, [kh, kw, ci, co]: number[]): Float32Array {
  const out = new Float32Array(kh * kw * ci * co);
  let i = 0;
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < ci; c++)
        for (let o = 0; o < co; o++) out[((o * ci + c) * kh + y) * kw + x] = src[i++];
  return out;
}

export function oihwToHwio(src: ArrayLike<number>, [co, ci, kh, kw]: number[]): Float32Array {
  const out = new Float32Array(kh * kw * ci * co);
  let i = 0;
  for (let o = 0; o < co; o++)
    for (let c = 0; c < ci; c++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * ci + c) * co + o] = src[i++];
  return out;
}

/** The model as an ultralytics-named state_dict (OIHW kernels), with num_batches_tracked and the DFL conv. */
/**
 * The model's tensors under ultralytics' names and layouts (OIHW kernels), as fresh arrays. `tensors`
 * replaces the model's own values by name (e.g. the EMA shadow, written without swapping it in).
 */
export function stateDict(model: YoloModel, tensors: Map<string, tf.Tensor> = model.namedTensors()): Map<string, SafeTensor> {
  const out = new Map<string, SafeTensor>();
  const nbt = BigInt64Array.of(BigInt(model.numBatchesTracked));
  for (const [name, v] of tensors) {
    const raw = v.dataSync() as Float32Array;
    const data = v.rank === 4 ? hwioToOihw(raw, v.shape) : Float32Array.from(raw);
    out.set(name, { dtype: 'F32', shape: fileShape(v.shape), data });
    if (name.endsWith('.bn.running_var')) out.set(name.replace(/running_var$/, 'num_batches_tracked'), { dtype: 'I64', shape: [], data: nbt.slice() });
  }
  const detect = model.def.layers[model.def.layers.length - 1];
  const bins = new Float32Array(REG_MAX);
  for (let i = 0; i < REG_MAX; i++) bins[i] = i;
  out.set(`model.${detect.index}.dfl.conv.weight`, { dtype: 'F32', shape: [1, REG_MAX, 1, 1], data: bins });
  return out;
}

/** Saves to safetensors (atomic), readable by `safetensors.torch.load_file` + `model.load_state_dict`. */
export function saveWeights(model: YoloModel, file: string, metadata: Record<string, string> = {}): void {
  writeSafetensors(file, stateDict(model), { format: 'pt', arch: `yolov8${model.scale}`, nc: String(model.nc), ...metadata });
}
