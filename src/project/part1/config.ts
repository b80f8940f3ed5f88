import * as fs from 'node:fs';
import * as path from 'node:path';
import { weightsCacheDir } from '../model/weights/fetch';
import { parseModelName } from '../train/args';

/**
 * The Part 1 notebook's settings: one object, read from environment variables so the same notebook
 * runs the quick TACO-mini demo here and the real experiment on a GPU server.
 */
export interface Part1Config {
  /** Project root: every relative path below is resolved against it (the kernel runs in notebooks/). */
  root: string;
  /** TACO folder (TACO_DIR); undefined: the synthetic TACO-mini. */
  tacoDir?: string;
  /** detect-waste annotations folder (TACO_DETECT_WASTE); undefined: searched beside TACO. */
  detectWasteDir?: string;
  /** Prepared YOLO dataset folder (TACO_DATA_OUT): datasets/taco-mini or datasets/taco. */
  dataOut: string;
  /** Size the images are resized to when the dataset is prepared (TACO_PREPARE_IMGSZ, default 640 as Roboflow did). */
  prepareImgsz: number;
  /** yolov8n .. yolov8x (TACO_MODEL). */
  model: string;
  /**
   * Initial weights (TACO_WEIGHTS = a .pt / .safetensors path, a name like yolov8x, or none): the real experiment
   * fine-tunes ultralytics' COCO-pretrained checkpoint of its scale, as the seed did; the quick demo starts from
   * the pretrained checkpoint only when it is already in the weights cache (it never downloads). undefined: from scratch.
   */
  weights?: string;
  /** Why `weights` is what it is, for the configuration table. */
  weightsNote: string;
  epochs: number;
  imgsz: number;
  batch: number;
  /** TensorFlow.js backend (TACO_BACKEND); undefined: automatic. */
  backend?: string;
  optimizer: 'auto' | 'SGD' | 'Adam' | 'AdamW';
  lr0: number;
  momentum: number;
  warmupEpochs: number;
  closeMosaic: number;
  seed: number;
  /** Train even when a checkpoint of this configuration exists (RETRAIN). */
  retrain: boolean;
  /** Fetch TACO's images first (TACO_DOWNLOAD=1; needs the internet and TACO_DIR). Off by default. */
  download: boolean;
  /** Runs folder (TACO_RUNS, default runs/train) and this configuration's run name (TACO_RUN_NAME). */
  project: string;
  name: string;
}

/**
 * Proven on TACO-mini (35 train / 4 val / 9 test images): val mAP50 from 0 to about 0.3 in 30 epochs on CPU
 * (about 1 minute on the native engine, 5 on wasm). The backend is the automatic choice.
 */
export const MINI_DEFAULTS = { model: 'yolov8n', epochs: 30, imgsz: 160, batch: 8, optimizer: 'AdamW', lr0: 0.002, momentum: 0.9, warmupEpochs: 1, closeMosaic: 5 } as const;

/** The seed's real experiment: YOLOv8x, 100 epochs at 640, ultralytics' defaults otherwise. */
export const REAL_DEFAULTS = { model: 'yolov8x', epochs: 100, imgsz: 640, batch: 16, optimizer: 'auto', lr0: 0.01, momentum: 0.937, warmupEpochs: 3, closeMosaic: 10 } as const;

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

type Env = Record<string, string | undefined>;

function truthy(v: string | undefined): boolean {
  return v !== undefined && v !== '' && !/^(0|false|no|off)$/i.test(v.trim());
}

function intVar(env: Env, key: string, fallback: number, min: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${key}=${raw}: want an integer >= ${min}`);
  return v;
}

function numVar(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${key}=${raw}: want a non-negative number`);
  return v;
}

/** yolov8n, "n", "yolov8x.pt" -> yolov8n / yolov8x. */
export function normalizeModel(raw: string): string {
  const s = raw.trim().toLowerCase();
  return `yolov8${/^[nsmlx]$/.test(s) ? s : parseModelName(s)}`;
}

/** A run name that says what was trained, so a small test run never replaces the demo's checkpoint. */
export function defaultRunName(c: Pick<Part1Config, 'tacoDir' | 'model' | 'imgsz' | 'epochs'> & { weights?: string }): string {
  return `part1-${c.tacoDir ? 'taco' : 'mini'}-${c.model}-${c.imgsz}-e${c.epochs}${c.weights ? '-ft' : ''}`;
}

/** TACO_WEIGHTS, or the default: pretrained weights of the scale for the real experiment, the cached ones for the demo. */
export function initialWeights(env: Env, root: string, model: string, real: boolean): { weights?: string; note: string } {
  const raw = env.TACO_WEIGHTS?.trim();
  if (raw && /^(none|scratch)$/i.test(raw)) return { note: 'none: trained from scratch (TACO_WEIGHTS=none)' };
  if (raw) {
    // A bare name (yolov8x, yolov8x.pt) stays a name for the cache; anything else is a path.
    const bare = /^yolov8[nsmlx](\.pt)?$/.test(raw);
    const weights = bare ? raw.replace(/\.pt$/, '') : path.resolve(root, raw);
    return { weights, note: `${bare ? weights : path.relative(root, weights)} (TACO_WEIGHTS)` };
  }
  if (real) return { weights: model, note: `${model}.pt, ultralytics' COCO-pretrained weights (fetched into the weights cache if missing), as the seed did` };
  const cached = path.join(weightsCacheDir(env), `${model}.pt`);
  if (fs.existsSync(cached)) return { weights: cached, note: `${model}.pt from the weights cache (${cached}): fine-tuned from COCO` };
  return { note: `none: from scratch (\`npx taco weights fetch ${model}\` once, and the demo starts from COCO-pretrained weights)` };
}

/**
 * Reads the configuration from the environment. Unset TACO_DIR gives the TACO-mini demo defaults; a
 * set TACO_DIR gives the real experiment's defaults (YOLOv8x, 100 epochs, 640). Every value can be
 * overridden by its own variable.
 */
export function part1Config(env: Env = process.env, root = PROJECT_ROOT): Part1Config {
  const tacoDir = env.TACO_DIR && env.TACO_DIR.trim() ? path.resolve(root, env.TACO_DIR.trim()) : undefined;
  const d = tacoDir ? REAL_DEFAULTS : MINI_DEFAULTS;
  const model = normalizeModel(env.TACO_MODEL?.trim() || d.model);
  const imgsz = intVar(env, 'TACO_IMGSZ', d.imgsz, 32);
  if (imgsz % 32 !== 0) throw new Error(`TACO_IMGSZ=${imgsz}: want a multiple of 32 (the largest stride)`);
  const epochs = intVar(env, 'TACO_EPOCHS', d.epochs, 1);
  const optimizer = (env.TACO_OPTIMIZER?.trim() || d.optimizer) as Part1Config['optimizer'];
  if (!['auto', 'SGD', 'Adam', 'AdamW'].includes(optimizer)) throw new Error(`TACO_OPTIMIZER=${optimizer}: want auto, SGD, Adam or AdamW`);
  const backend = env.TACO_BACKEND?.trim() || undefined;
  const init = initialWeights(env, root, model, tacoDir !== undefined);
  const cfg: Part1Config = {
    root,
    tacoDir,
    detectWasteDir: env.TACO_DETECT_WASTE?.trim() ? path.resolve(root, env.TACO_DETECT_WASTE.trim()) : undefined,
    dataOut: path.resolve(root, env.TACO_DATA_OUT?.trim() || (tacoDir ? 'datasets/taco' : 'datasets/taco-mini')),
    prepareImgsz: intVar(env, 'TACO_PREPARE_IMGSZ', 640, 32),
    model,
    weights: init.weights,
    weightsNote: init.note,
    epochs,
    imgsz,
    batch: intVar(env, 'TACO_BATCH', d.batch, 1),
    backend,
    optimizer,
    lr0: numVar(env, 'TACO_LR0', d.lr0),
    momentum: numVar(env, 'TACO_MOMENTUM', d.momentum),
    warmupEpochs: numVar(env, 'TACO_WARMUP_EPOCHS', d.warmupEpochs),
    closeMosaic: intVar(env, 'TACO_CLOSE_MOSAIC', Math.min(d.closeMosaic, epochs), 0),
    seed: intVar(env, 'TACO_SEED', 0, 0),
    retrain: truthy(env.RETRAIN),
    download: truthy(env.TACO_DOWNLOAD),
    project: path.resolve(root, env.TACO_RUNS?.trim() || 'runs/train'),
    name: '',
  };
  cfg.name = env.TACO_RUN_NAME?.trim() || defaultRunName(cfg);
  return cfg;
}

/** The configuration as table rows (setting, value, variable), for the notebook's first output. */
export function configRows(c: Part1Config): { setting: string; value: string; variable: string }[] {
  const rel = (p: string) => path.relative(c.root, p) || '.';
  return [
    { setting: 'dataset', value: c.tacoDir ?? 'TACO-mini (SYNTHETIC, generated)', variable: 'TACO_DIR' },
    { setting: 'prepared dataset folder', value: rel(c.dataOut), variable: 'TACO_DATA_OUT' },
    { setting: 'download TACO images first', value: c.download ? 'yes' : 'no (off by default)', variable: 'TACO_DOWNLOAD' },
    { setting: 'model', value: c.model, variable: 'TACO_MODEL' },
    { setting: 'initial weights', value: c.weightsNote, variable: 'TACO_WEIGHTS' },
    { setting: 'epochs', value: String(c.epochs), variable: 'TACO_EPOCHS' },
    { setting: 'imgsz', value: String(c.imgsz), variable: 'TACO_IMGSZ' },
    { setting: 'batch', value: String(c.batch), variable: 'TACO_BATCH' },
    { setting: 'backend', value: c.backend ?? 'automatic (tensorflow -> webgpu -> native -> wasm -> cpu)', variable: 'TACO_BACKEND' },
    { setting: 'optimizer', value: `${c.optimizer} lr0=${c.lr0} momentum=${c.momentum}`, variable: 'TACO_OPTIMIZER, TACO_LR0, TACO_MOMENTUM' },
    { setting: 'warmup epochs / close mosaic', value: `${c.warmupEpochs} / ${c.closeMosaic}`, variable: 'TACO_WARMUP_EPOCHS, TACO_CLOSE_MOSAIC' },
    { setting: 'run folder', value: rel(path.join(c.project, c.name)), variable: 'TACO_RUNS, TACO_RUN_NAME' },
    { setting: 'retrain even if a checkpoint exists', value: c.retrain ? 'yes' : 'no', variable: 'RETRAIN' },
  ];
}
