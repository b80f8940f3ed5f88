import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { commitCheckpoint, pendingName } from './checkpoint-commit';
import type { CommitRequest } from './checkpoint-worker-main';
import * as tf from '@tensorflow/tfjs-core';
import { SafeFile, SafeTensor, encodeSafetensors, readSafetensors } from '../model/weights/safetensors';
import { loadWeights, stateDict } from '../model/weights/state-dict';
import type { YoloModel } from '../model/yolo';
import type { ModelEma } from './ema';
import type { GroupOptimizer, OptimizerState } from './optimizer';
import type { ResultRow } from './results-csv';

/**
 * A checkpoint is three files in `weights/`:
 *   <tag>.safetensors       the EMA weights with ultralytics names: what users load for inference,
 *   <tag>.state.safetensors the raw (non-EMA) model tensors and the optimizer moments, for resume,
 *   <tag>.json              the trainer's scalars (epoch, RNG, optimizer lr/momentum, best fitness, args).
 * The JSON is the commit point and names a token that both tensor files carry in their metadata. The
 * tensor files are first written complete as <tag>.pending.*, then the JSON, then they are renamed into
 * place: a kill before the JSON leaves the previous checkpoint whole, a kill after it leaves the new
 * files under their pending names, which loading recognises by the token and moves into place.
 */
export interface TrainerState {
  /** Last complete epoch (0-based); a resumed run starts at epoch + 1. */
  epoch: number;
  /** Optimizer steps so far (also the EMA's update count is stored separately). */
  emaUpdates: number;
  /** Global iteration counter (batches seen). */
  iterations: number;
  lastOptStep: number;
  rng: [number, number, number, number];
  optimizer: OptimizerState;
  bestFitness: number;
  bestEpoch: number;
  numBatchesTracked: number;
  args: Record<string, unknown>;
  /** This epoch's results.csv row: appended once the checkpoint is committed, restored from here on resume. */
  row?: ResultRow;
  token: string;
  savedAt: string;
}

const TENSOR_EXTS = ['.safetensors', '.state.safetensors'];

/** The tensor's own array, no copy: only for encoding right away (training updates arrays in place). */
function toSafe(t: tf.Tensor): SafeTensor {
  return { dtype: 'F32', shape: t.shape.slice(), data: t.dataSync() as Float32Array };
}

/** A checkpoint's bytes, taken synchronously between steps so that writing them can happen later. */
export interface CheckpointSnapshot {
  tag: string;
  /** Tensor files by extension, written before the JSON that names their token. */
  files: { ext: string; bytes: Buffer }[];
  json: string;
}

export function snapshotCheckpoint(tag: string, model: YoloModel, ema: ModelEma, opt: GroupOptimizer, state: Omit<TrainerState, 'token' | 'savedAt'>): CheckpointSnapshot {
  const token = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-e${state.epoch}`;
  const meta = { token, epoch: String(state.epoch) };
  // EMA weights as a normal ultralytics-named state dict (the shadow has the model's names).
  const named = model.namedTensors();
  for (const k of named.keys()) if (!ema.shadow.has(k)) throw new Error(`checkpoint: the EMA has no tensor ${k}`);
  const emaDict = stateDict(model, ema.shadow);
  const emaBytes = encodeSafetensors(emaDict, { format: 'pt', arch: `yolov8${model.scale}`, nc: String(model.nc), ...meta });

  const st = new Map<string, SafeTensor>();
  for (const [k, v] of named) st.set(`model/${k}`, toSafe(v));
  for (const [k, v] of opt.slotTensors()) st.set(`optim/${k}`, toSafe(v));
  const stBytes = encodeSafetensors(st, meta);

  const full: TrainerState = { ...state, emaUpdates: ema.updates, token, savedAt: new Date().toISOString() };
  return {
    tag,
    files: [
      { ext: '.safetensors', bytes: emaBytes },
      { ext: '.state.safetensors', bytes: stBytes },
    ],
    json: JSON.stringify(full, null, 1),
  };
}

/** The commits that write a snapshot, then (optionally) copy it under another tag, all from its files. */
function snapshotCommits(dir: string, snap: CheckpointSnapshot, copyTo?: string): CommitRequest['commits'] {
  const commits: CommitRequest['commits'] = [{ tag: snap.tag, tensors: snap.files.map((f) => ({ ext: f.ext, from: f.bytes })), json: snap.json }];
  if (copyTo) commits.push({ tag: copyTo, tensors: TENSOR_EXTS.map((ext) => ({ ext, from: { copy: path.join(dir, `${snap.tag}${ext}`) } })), json: { copy: path.join(dir, `${snap.tag}.json`) } });
  return commits;
}

/** Writes a snapshot as `snap.tag` in `dir` on this thread (see the layout above). */
export function writeCheckpointSnapshot(dir: string, snap: CheckpointSnapshot, copyTo?: string): void {
  for (const c of snapshotCommits(dir, snap, copyTo)) commitCheckpoint(dir, c.tag, c.tensors, c.json);
}

/**
 * Writes checkpoints in the background: the tensors are snapshotted at once (the next step changes
 * them), the files are written on a worker thread with synchronous fs calls, so the writes go on while
 * the step holds the main thread (promise-based fs would only advance when the step yields). One write
 * at a time, in order; `flush` waits for the last and reports a failed write (so does the next `save`).
 */
export class CheckpointWriter {
  private worker: Worker | undefined;
  private pending: Promise<void> = Promise.resolve();
  private settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private nextId = 1;

  constructor(readonly dir: string) {}

  private start(): Worker {
    const w = new Worker(path.join(__dirname, 'checkpoint-worker.js'));
    w.unref();
    w.on('message', (r: { id: number; error?: string }) => {
      const s = this.settle;
      this.settle = undefined;
      w.unref();
      if (r.error !== undefined) s?.reject(new Error(`checkpoint write failed: ${r.error}`));
      else s?.resolve();
    });
    const fail = (e: Error) => {
      this.worker = undefined;
      this.settle?.reject(e);
      this.settle = undefined;
    };
    w.on('error', (e) => fail(new Error(`checkpoint writer failed: ${e.message}`)));
    w.on('exit', (code) => fail(new Error(`checkpoint writer exited (code ${code})`)));
    return w;
  }

  /**
   * `results`: the epoch's results.csv row, appended on the writer thread as soon as the checkpoint is
   * committed (a row never exists without its checkpoint; the main thread may be busy with the next step).
   */
  async save(snap: CheckpointSnapshot, copyTo?: string, results?: CommitRequest['results']): Promise<void> {
    await this.pending;
    const w = (this.worker ??= this.start());
    const req: CommitRequest = { id: this.nextId++, dir: this.dir, commits: snapshotCommits(this.dir, snap, copyTo), results };
    this.pending = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      // Held while a write is in flight, so the process cannot exit before the checkpoint is on disk.
      w.ref();
      // Moved, not copied, when a file's bytes own their memory (a pooled Buffer must be copied).
      w.postMessage(req, snap.files.filter((f) => f.bytes.byteOffset === 0 && f.bytes.byteLength === f.bytes.buffer.byteLength).map((f) => f.bytes.buffer as ArrayBuffer));
    });
    // A failure surfaces at the next save or flush; until then it must not count as unhandled.
    this.pending.catch(() => {});
  }

  flush(): Promise<void> {
    return this.pending;
  }

  /** Waits for the last write, then stops the thread. */
  async close(): Promise<void> {
    try {
      await this.pending;
    } finally {
      const w = this.worker;
      this.worker = undefined;
      if (w) {
        w.removeAllListeners('exit');
        // Not awaited (the writes are done): awaiting an unref'd thread's exit can leave the event loop empty.
        void w.terminate();
      }
    }
  }
}

/**
 * The tensor file that belongs to the JSON's save: in place, or still under its pending name when the
 * process died between the JSON and the renames (then the rename is finished here).
 */
export function readCommitted(dir: string, tag: string, ext: string, token: string): SafeFile {
  const final = path.join(dir, `${tag}${ext}`);
  const pend = path.join(dir, pendingName(tag, ext));
  for (const f of [final, pend]) {
    if (!fs.existsSync(f)) continue;
    const file = readSafetensors(f);
    if (file.metadata?.token !== token) continue;
    if (f === pend) fs.renameSync(pend, final);
    return file;
  }
  throw new Error(`${final}: belongs to another save than ${tag}.json (interrupted write?)`);
}

/** Reads a checkpoint back into the model, EMA and optimizer; returns the trainer state. */
export function loadCheckpoint(dir: string, tag: string, model: YoloModel, ema: ModelEma, opt: GroupOptimizer): TrainerState {
  const jf = path.join(dir, `${tag}.json`);
  if (!fs.existsSync(jf)) throw new Error(`${jf}: no checkpoint to resume from (the run has not finished an epoch yet)`);
  let state: TrainerState;
  try {
    state = JSON.parse(fs.readFileSync(jf, 'utf8')) as TrainerState;
  } catch (e) {
    throw new Error(`${jf}: unreadable checkpoint state (${(e as Error).message})`);
  }
  const emaFile = readCommitted(dir, tag, '.safetensors', state.token);
  const stFile = readCommitted(dir, tag, '.state.safetensors', state.token);
  // EMA first (through the model's loader, which handles OIHW), then the raw weights on top.
  loadWeights(model, emaFile);
  const named = model.namedTensors();
  for (const [k, e] of ema.shadow) e.assign(named.get(k)!);
  ema.updates = state.emaUpdates;
  for (const [k, v] of named) {
    const t = stFile.tensors.get(`model/${k}`);
    if (!t) throw new Error(`${path.join(dir, `${tag}.state.safetensors`)}: missing model/${k}`);
    v.assign(tf.tensor(t.data as Float32Array, v.shape));
  }
  opt.setState(state.optimizer);
  opt.loadSlotTensors((n) => stFile.tensors.get(`optim/${n}`)?.data as Float32Array | undefined);
  model.numBatchesTracked = state.numBatchesTracked;
  return state;
}
