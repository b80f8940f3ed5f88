/**
 * From an unpickled checkpoint to a state_dict with ultralytics' names. An ultralytics checkpoint
 * (`ultralytics/engine/trainer.py` save_model, `ultralytics/utils/torch_utils.py` strip_optimizer)
 * is a dict {model, ema, optimizer, train_args, date, version, ...} whose model is a pickled
 * `DetectionModel`: every nn.Module arrives here as an inert PyObject whose state is its `__dict__`.
 * The walk follows `nn.Module.state_dict`: a module's `_parameters`, then its `_buffers` (except
 * `_non_persistent_buffers_set`), then each of `_modules` under `<name>.`, skipping None entries.
 * A plain `torch.save(model.state_dict())` file is a name -> tensor OrderedDict and is taken as is.
 */

import type { Scale } from '../definition';
import { PyGlobal, PyObject, PyValue, describe } from './pickle';
import { PtTensor, TensorRef, TorchArchive } from './torch-checkpoint';

export interface UltralyticsMeta {
  /** 'ultralytics' (a pickled model) or 'state_dict' (name -> tensor). */
  kind: 'ultralytics' | 'state_dict';
  /** Which entry the weights came from: 'ema', 'model', or the state_dict's own key. */
  from?: string;
  /** The model class, e.g. ultralytics.nn.tasks.DetectionModel. */
  modelClass?: string;
  scale?: Scale;
  nc?: number;
  names?: string[];
  stride?: number[];
  trainArgs?: Record<string, unknown>;
  date?: string;
  version?: string;
  /** The model's `yaml` (its architecture dict), as JSON. */
  yaml?: Record<string, unknown>;
}

export interface PtCheckpoint {
  source: string;
  tensors: Map<string, PtTensor>;
  meta: UltralyticsMeta;
}

const get = (d: PyValue, k: string): PyValue => (d instanceof Map ? d.get(k) : undefined);

/** A module's `__dict__`: BUILD's state (a dict, or a (dict, slots) pair). */
function moduleState(m: PyValue): Map<PyValue, PyValue> | undefined {
  if (!(m instanceof PyObject)) return undefined;
  const s = m.state;
  if (s instanceof Map) return s;
  if (Array.isArray(s) && s[0] instanceof Map) return s[0];
  return undefined;
}

const isModule = (v: PyValue): boolean => moduleState(v)?.get('_modules') instanceof Map;

/**
 * Plain JSON for metadata (train_args, yaml): dicts to objects, tensors and objects to short descriptions.
 * A pickle can share one list many times over (memo), so the walk has a depth and a node budget.
 */
export function toPlain(v: PyValue, depth = 0, budget = { nodes: 100_000 }): unknown {
  if (--budget.nodes < 0 || depth > 20) return '...';
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) {
      if (budget.nodes < 0) break;
      Object.defineProperty(out, String(k), { value: toPlain(x, depth + 1, budget), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (Array.isArray(v) || v instanceof Set) {
    const out: unknown[] = [];
    for (const x of v) {
      if (budget.nodes < 0) {
        out.push('...');
        break;
      }
      out.push(toPlain(x, depth + 1, budget));
    }
    return out;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  if (v instanceof TensorRef) return `<tensor ${v.dtype}[${v.shape.join(',')}]>`;
  if (v instanceof PyGlobal) return `<${v.qualname}>`;
  if (v instanceof PyObject) return `<${v.className} object>`;
  return describe(v);
}

/** Scale from yaml scale / yaml file name / depth and width multiples / first conv width (n 16, s 32, m 48, l 64, x 80). */
const SCALE_BY_WIDTH: Record<number, Scale> = { 16: 'n', 32: 's', 48: 'm', 64: 'l', 80: 'x' };
const SCALE_BY_MULTIPLES: Record<string, Scale> = { '0.33,0.25': 'n', '0.33,0.5': 's', '0.67,0.75': 'm', '1,1': 'l', '1,1.25': 'x' };

function scaleOf(state: Map<PyValue, PyValue>, tensors: Map<string, PtTensor>): Scale | undefined {
  const yaml = state.get('yaml');
  const s = get(yaml, 'scale');
  if (typeof s === 'string' && /^[nsmlx]$/.test(s)) return s as Scale;
  for (const f of [get(yaml, 'yaml_file'), state.get('yaml_file')]) {
    const m = typeof f === 'string' ? /yolov8([nsmlx])[^/\\]*\.ya?ml$/.exec(f) : null;
    if (m) return m[1] as Scale;
  }
  const dm = get(yaml, 'depth_multiple');
  const wm = get(yaml, 'width_multiple');
  if (typeof dm === 'number' && typeof wm === 'number') {
    const hit = SCALE_BY_MULTIPLES[`${dm},${wm}`];
    if (hit) return hit;
  }
  const first = tensors.get('model.0.conv.weight');
  return first ? SCALE_BY_WIDTH[first.shape[0]] : undefined;
}

function namesOf(v: PyValue): string[] | undefined {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.slice() as string[];
  if (v instanceof Map) {
    const out: string[] = [];
    for (const [k, name] of v) {
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || typeof name !== 'string') return undefined;
      out[k] = name;
    }
    return out.length === v.size ? out : undefined;
  }
  return undefined;
}

/** Walks a pickled nn.Module into state_dict order and names. */
function walkModule(archive: TorchArchive, mod: PyValue, prefix: string, out: Map<string, PtTensor>, seen: Set<PyValue>): void {
  const st = moduleState(mod);
  if (!st) throw new Error(`${archive.source}: ${prefix || 'the model'} is ${describe(mod)}, not a pickled nn.Module`);
  if (seen.has(mod)) return; // a module shared in two places is saved once by torch too (state_dict keeps the first)
  seen.add(mod);
  const nonPersistent = st.get('_non_persistent_buffers_set');
  const skip = nonPersistent instanceof Set ? nonPersistent : new Set<PyValue>();
  for (const field of ['_parameters', '_buffers']) {
    const d = st.get(field);
    if (d === undefined) continue;
    if (!(d instanceof Map)) throw new Error(`${archive.source}: ${prefix}${field} is ${describe(d)}, expected a dict`);
    for (const [k, t] of d) {
      if (t === null || (field === '_buffers' && skip.has(k))) continue;
      const name = `${prefix}${String(k)}`;
      if (!(t instanceof TensorRef)) throw new Error(`${archive.source}: ${name} is ${describe(t)}, expected a tensor`);
      out.set(name, archive.materialize(t, name));
    }
  }
  for (const [k, child] of st.get('_modules') as Map<PyValue, PyValue>) {
    if (child === null) continue;
    walkModule(archive, child, `${prefix}${String(k)}.`, out, seen);
  }
}

/** A name -> tensor dict (state_dict) into tensors, or undefined when `d` is not one. */
function stateDictOf(archive: TorchArchive, d: PyValue): Map<string, PtTensor> | undefined {
  if (!(d instanceof Map) || d.size === 0) return undefined;
  for (const [k, v] of d) if (typeof k !== 'string' || !(v instanceof TensorRef)) return undefined;
  const out = new Map<string, PtTensor>();
  for (const [k, v] of d) out.set(k as string, archive.materialize(v as TensorRef, k as string));
  return out;
}

export function readCheckpointTree(archive: TorchArchive): PtCheckpoint {
  const root = archive.root;
  const { source } = archive;
  const plain = stateDictOf(archive, root);
  if (plain) return { source, tensors: plain, meta: { kind: 'state_dict' } };

  let from: string | undefined;
  let model: PyValue;
  if (isModule(root)) {
    model = root; // torch.save(model)
  } else if (root instanceof Map) {
    for (const k of ['ema', 'model']) {
      const v = root.get(k);
      if (v !== undefined && v !== null) {
        from = k;
        model = v;
        break;
      }
    }
    if (from === undefined) {
      for (const k of ['state_dict', 'model_state_dict']) {
        const sd = stateDictOf(archive, root.get(k));
        if (sd) return { source, tensors: sd, meta: { kind: 'state_dict', from: k } };
      }
      const keys = [...root.keys()].map(String).slice(0, 12).join(', ');
      throw new Error(`${source}: a PyTorch checkpoint, but neither a state_dict nor an ultralytics checkpoint (no 'ema' or 'model'; its keys: ${keys})`);
    }
  } else {
    throw new Error(`${source}: a PyTorch checkpoint whose top level is ${describe(root)}: neither a state_dict nor an ultralytics checkpoint`);
  }
  const sd = from ? stateDictOf(archive, model) : undefined;
  if (sd) return { source, tensors: sd, meta: { kind: 'state_dict', from } };
  if (!isModule(model)) throw new Error(`${source}: '${from}' is ${describe(model)}, not a pickled model or a state_dict`);

  const tensors = new Map<string, PtTensor>();
  walkModule(archive, model, '', tensors, new Set());
  const st = moduleState(model)!;
  const meta: UltralyticsMeta = { kind: 'ultralytics', from, modelClass: (model as PyObject).className };
  meta.names = namesOf(st.get('names'));
  const nc = st.get('nc') ?? get(st.get('yaml'), 'nc');
  if (typeof nc === 'number' && Number.isInteger(nc)) meta.nc = nc;
  else if (meta.names) meta.nc = meta.names.length;
  meta.scale = scaleOf(st, tensors);
  const stride = st.get('stride');
  if (stride instanceof TensorRef) meta.stride = Array.from(archive.materialize(stride, 'stride').data as Float32Array, Number);
  else if (Array.isArray(stride)) meta.stride = stride.map(Number);
  const yaml = st.get('yaml');
  if (yaml instanceof Map) meta.yaml = toPlain(yaml) as Record<string, unknown>;
  if (root instanceof Map) {
    const ta = root.get('train_args');
    if (ta instanceof Map) meta.trainArgs = toPlain(ta) as Record<string, unknown>;
    else if (ta instanceof PyObject) meta.trainArgs = toPlain(moduleState(ta) ?? ta.state) as Record<string, unknown>; // an IterableSimpleNamespace
    const date = root.get('date');
    if (typeof date === 'string') meta.date = date;
    const version = root.get('version');
    if (typeof version === 'string') meta.version = version;
  }
  return { source, tensors, meta };
}
