import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SafeTensor, readSafetensors, writeSafetensors } from '../model/safetensors';
import { loadWeights, stateDict } from '../model/weights';
import type { YoloModel } from '../model/yolo';
import type { ModelEma } from './ema';
import type { GroupOptimizer, OptimizerState } from './optimizer';

/**
 * A checkpoint is three files in `weights/`:
 *   <tag>.safetensors       the EMA weights with ultralytics names: what users load for inference,
 *   <tag>.state.safetensors the raw (non-EMA) model tensors and the optimizer moments, for resume,
 *   <tag>.json              the trainer's scalars (epoch, RNG, optimizer lr/momentum, best fitness, args).
 * The JSON is written last and names a token that both tensor files carry in their metadata, so a
 * checkpoint interrupted half-way is never taken for a complete one.
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
  token: string;
  savedAt: string;
}

function toSafe(t: tf.Tensor): SafeTensor {
  return { dtype: 'F32', shape: t.shape.slice(), data: Float32Array.from(t.dataSync() as Float32Array) };
}

export function saveCheckpoint(dir: string, tag: string, model: YoloModel, ema: ModelEma, opt: GroupOptimizer, state: Omit<TrainerState, 'token' | 'savedAt'>): void {
  fs.mkdirSync(dir, { recursive: true });
  const token = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-e${state.epoch}`;
  const meta = { token, epoch: String(state.epoch) };
  // EMA weights as a normal ultralytics-named state dict: swap them in, export, swap back.
  const named = model.namedTensors();
  const backup = new Map<string, tf.Tensor>();
  for (const [k, v] of named) backup.set(k, v.clone());
  ema.copyTo(named);
  const emaDict = stateDict(model);
  for (const [k, v] of named) v.assign(backup.get(k)!);
  backup.forEach((t) => t.dispose());
  writeSafetensors(path.join(dir, `${tag}.safetensors`), emaDict, { format: 'pt', arch: `yolov8${model.scale}`, nc: String(model.nc), ...meta });

  const st = new Map<string, SafeTensor>();
  for (const [k, v] of named) st.set(`model/${k}`, toSafe(v));
  for (const [k, v] of opt.slotTensors()) st.set(`optim/${k}`, toSafe(v));
  writeSafetensors(path.join(dir, `${tag}.state.safetensors`), st, meta);

  const full: TrainerState = { ...state, emaUpdates: ema.updates, token, savedAt: new Date().toISOString() };
  const jf = path.join(dir, `${tag}.json`);
  fs.writeFileSync(`${jf}.tmp`, JSON.stringify(full, null, 1));
  fs.renameSync(`${jf}.tmp`, jf);
}

/** Copies a complete checkpoint under another tag (best = last at an improving epoch), JSON last. */
export function copyCheckpoint(dir: string, from: string, to: string): void {
  for (const ext of ['.safetensors', '.state.safetensors', '.json']) {
    const dst = path.join(dir, `${to}${ext}`);
    fs.copyFileSync(path.join(dir, `${from}${ext}`), `${dst}.tmp`);
    fs.renameSync(`${dst}.tmp`, dst);
  }
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
  const emaFile = readSafetensors(path.join(dir, `${tag}.safetensors`));
  const stFile = readSafetensors(path.join(dir, `${tag}.state.safetensors`));
  for (const [f, file] of [[`${tag}.safetensors`, emaFile], [`${tag}.state.safetensors`, stFile]] as const) {
    if (file.metadata?.token !== state.token) throw new Error(`${path.join(dir, f)}: belongs to another save than ${tag}.json (interrupted write?)`);
  }
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
