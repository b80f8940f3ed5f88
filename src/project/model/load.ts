/**
 * One way in for model weights, used by train / val / predict and the notebooks: a `.pt` checkpoint
 * (ultralytics or a plain state_dict), a `.safetensors` file, or a bare name (`yolov8n`,
 * `yolov8x.pt`) looked up in the weights cache and fetched when missing. The scale and nc come from
 * the file's metadata or, failing that, from tensor shapes (first conv width: n 16, s 32, m 48,
 * l 64, x 80; nc from the first class conv's output channels).
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Scale } from './definition';
import type { SafeFile } from './weights/safetensors';
import type { LoadReport } from './weights/state-dict';
import type { YoloModel } from './yolo';
import type { FetchOptions } from './weights/fetch';
import type { UltralyticsMeta } from './pt';

export interface ResolveOptions extends FetchOptions {
  /** Fetch a bare name that is not in the cache (default true). */
  download?: boolean;
}

/** A local path for `spec`: an existing file as is, or a bare weights name from the cache (fetched if missing). */
export async function resolveWeights(spec: string, opts: ResolveOptions = {}): Promise<string> {
  if (fs.existsSync(spec) && fs.statSync(spec).isFile()) return path.resolve(spec);
  const { weightName, weightsCacheDir, fetchWeights, WEIGHT_NAMES } = await import('./weights/fetch');
  const name = weightName(spec);
  if (!name) {
    throw new Error(`${spec}: no such file, and not a weights name (${WEIGHT_NAMES.join(', ')}, optionally with .pt)`);
  }
  const cached = path.join(opts.dir ?? weightsCacheDir(), `${name}.pt`);
  if (fs.existsSync(cached)) return cached;
  if (opts.download === false) throw new Error(`${spec}: not in the weights cache (${cached}); run taco weights fetch ${name}`);
  return (await fetchWeights(name, opts)).file;
}

export interface WeightsFile {
  /** The local path read. */
  source: string;
  format: 'pt' | 'safetensors';
  file: SafeFile;
  /** The checkpoint's metadata (.pt files). */
  pt?: UltralyticsMeta;
}

/** Reads a local .pt or .safetensors (told apart by content, not by name) into the SafeFile shape. */
export async function readWeightsFile(file: string): Promise<WeightsFile> {
  const { looksLikeZip, readPt, ptToSafeFile } = await import('./pt');
  let zip: boolean;
  try {
    zip = looksLikeZip(file);
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (zip || /\.pth?$/i.test(file)) {
    const ckpt = readPt(file);
    return { source: file, format: 'pt', file: ptToSafeFile(ckpt), pt: ckpt.meta };
  }
  const { readSafetensors } = await import('./weights/safetensors');
  return { source: file, format: 'safetensors', file: readSafetensors(file) };
}

/** Loads a weights file (any accepted spec) into the SafeFile shape that `loadWeights` takes. */
export async function loadCheckpointTensors(spec: string, opts: ResolveOptions = {}): Promise<WeightsFile> {
  return readWeightsFile(await resolveWeights(spec, opts));
}

const SCALE_BY_WIDTH: Record<number, Scale> = { 16: 'n', 32: 's', 48: 'm', 64: 'l', 80: 'x' };

/** Scale, nc and class names of a weights file: metadata first, then tensor shapes. */
export function describeWeights(w: WeightsFile): { scale?: Scale; nc?: number; names?: string[] } {
  const meta = w.file.metadata ?? {};
  let scale = /^yolov8([nsmlx])$/.exec(meta.arch ?? '')?.[1] as Scale | undefined;
  if (!scale) {
    const first = w.file.tensors.get('model.0.conv.weight');
    scale = first ? SCALE_BY_WIDTH[first.shape[0]] : undefined;
  }
  let nc: number | undefined = meta.nc ? Number(meta.nc) : undefined;
  if (nc === undefined || !Number.isInteger(nc)) {
    const cls = [...w.file.tensors.keys()].find((k) => /^model\.\d+\.cv3\.0\.2\.weight$/.test(k));
    nc = cls ? w.file.tensors.get(cls)!.shape[0] : undefined;
  }
  let names: string[] | undefined;
  if (meta.names) {
    try {
      const parsed: unknown = JSON.parse(meta.names);
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) names = parsed;
    } catch {
      // names that are not JSON are left out
    }
  }
  return { scale, nc, names };
}

export interface LoadYoloOptions extends ResolveOptions {
  /** Default true: every tensor must match the model (see LoadOptions in weights/state-dict.ts). */
  strict?: boolean;
  /** Build this nc instead of the file's (with strict: false, for transfer to another dataset). */
  nc?: number;
  /** Build this scale instead of the file's. */
  scale?: Scale;
}

export interface LoadedYolo {
  model: YoloModel;
  scale: Scale;
  nc: number;
  names?: string[];
  /** The local file the weights came from. */
  source: string;
  format: 'pt' | 'safetensors';
  report: LoadReport;
  /** The checkpoint's metadata (.pt files): date, version, train_args, ... */
  pt?: UltralyticsMeta;
}

/** Builds a YOLOv8 from a .pt, a .safetensors or a bare name, and loads its weights. */
export async function loadYolo(spec: string, opts: LoadYoloOptions = {}): Promise<LoadedYolo> {
  const w = await loadCheckpointTensors(spec, opts);
  const d = describeWeights(w);
  const scale = opts.scale ?? d.scale;
  const nc = opts.nc ?? d.nc;
  if (!scale || nc === undefined || !Number.isInteger(nc) || nc < 1) {
    throw new Error(`${w.source}: cannot tell the YOLOv8 scale and nc (no 'arch'/'nc' metadata and no recognizable model.0 / Detect tensors)`);
  }
  const { createYolo } = await import('./yolo');
  const { loadWeights } = await import('./weights/state-dict');
  const model = createYolo({ scale, nc });
  let report: LoadReport;
  try {
    report = loadWeights(model, w.file, { strict: opts.strict ?? true });
  } catch (e) {
    model.dispose();
    throw new Error(`${w.source}: ${(e as Error).message.replace(/^weights: /, '')}`);
  }
  return { model, scale, nc, names: d.names, source: w.source, format: w.format, report, pt: w.pt };
}

/**
 * Loads a checkpoint's tensors into an existing model (transfer learning): with strict false
 * (the default here) tensors whose shape differs, e.g. the class convs for another nc, are skipped.
 */
export async function loadWeightsInto(model: YoloModel, spec: string, opts: ResolveOptions & { strict?: boolean } = {}): Promise<LoadReport & { source: string }> {
  const w = await loadCheckpointTensors(spec, opts);
  const { loadWeights } = await import('./weights/state-dict');
  try {
    return { ...loadWeights(model, w.file, { strict: opts.strict ?? false }), source: w.source };
  } catch (e) {
    throw new Error(`${w.source}: ${(e as Error).message.replace(/^weights: /, '')}`);
  }
}
