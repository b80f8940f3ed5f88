/**
 * Reading PyTorch / ultralytics `.pt` checkpoints without Python and without running their pickles:
 * `readPt(file)` gives the state_dict (ultralytics names) and the checkpoint's metadata;
 * `ptToSafeFile` gives the same `SafeFile` shape `readSafetensors` returns, so `loadWeights` and
 * `writeSafetensors` take a checkpoint unchanged.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SafeFile, SafeTensor } from '../weights/safetensors';
import { openTorchArchive } from './torch-checkpoint';
import { PtCheckpoint, readCheckpointTree } from './ultralytics';

export type { PtCheckpoint, UltralyticsMeta } from './ultralytics';
export type { PtTensor } from './torch-checkpoint';

/** Parses a checkpoint held in memory; `source` names it in errors. */
export function parsePt(buf: Uint8Array, source = 'checkpoint'): PtCheckpoint {
  return readCheckpointTree(openTorchArchive(buf, source));
}

/** Reads a `.pt` file (one read; tensors are copied out of it). */
export function readPt(file: string): PtCheckpoint {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parsePt(buf, file);
}

/** Does the file start like a zip (a .pt) rather than a safetensors header? */
export function looksLikeZip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(4);
    return fs.readSync(fd, b, 0, 4, 0) === 4 && b.readUInt32LE(0) === 0x04034b50;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The checkpoint as a SafeFile: floats as F32 (half, bfloat16 and float32 widen exactly; float64
 * narrows), int64 as I64, smaller ints as I32. Metadata carries arch, nc and names (JSON) when known,
 * which is what `loadYolo` reads back.
 */
export function ptToSafeFile(ckpt: PtCheckpoint): SafeFile {
  const tensors = new Map<string, SafeTensor>();
  for (const [name, t] of ckpt.tensors) {
    const data = t.data instanceof Float64Array ? Float32Array.from(t.data) : t.data;
    const dtype = data instanceof Float32Array ? 'F32' : data instanceof BigInt64Array ? 'I64' : 'I32';
    tensors.set(name, { dtype, shape: t.shape.slice(), data });
  }
  const m = ckpt.meta;
  const metadata: Record<string, string> = { format: 'pt', source: path.basename(ckpt.source) };
  if (m.scale) metadata.arch = `yolov8${m.scale}`;
  if (m.nc !== undefined) metadata.nc = String(m.nc);
  if (m.names) metadata.names = JSON.stringify(m.names);
  if (m.stride) metadata.stride = JSON.stringify(m.stride);
  if (m.date) metadata.date = m.date;
  if (m.version) metadata.ultralytics_version = m.version;
  return { tensors, metadata };
}
