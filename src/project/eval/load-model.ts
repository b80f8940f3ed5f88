/**
 * A YOLOv8 model from a safetensors file, for predict and val: the scale and nc come from the file's metadata
 * (`arch`, `nc`, as saveWeights writes them) or, for files converted from ultralytics .pt, from tensor shapes
 * (first conv width: n 16, s 32, m 48, l 64, x 80; nc from the last class conv).
 */

import type { Scale } from '../model/definition';
import type { YoloModel } from '../model/yolo';

const SCALE_BY_WIDTH: Record<number, Scale> = { 16: 'n', 32: 's', 48: 'm', 64: 'l', 80: 'x' };

export async function loadYoloFromSafetensors(file: string): Promise<{ model: YoloModel; scale: Scale; nc: number }> {
  const { readSafetensors } = await import('../model/safetensors');
  const { createYolo } = await import('../model/yolo');
  const { loadWeights } = await import('../model/weights');
  const sf = readSafetensors(file);
  const meta = sf.metadata ?? {};
  let scale = /^yolov8([nsmlx])$/.exec(meta.arch ?? '')?.[1] as Scale | undefined;
  if (!scale) {
    const first = sf.tensors.get('model.0.conv.weight');
    scale = first ? SCALE_BY_WIDTH[first.shape[0]] : undefined;
  }
  let nc = meta.nc ? Number(meta.nc) : NaN;
  if (!Number.isInteger(nc)) {
    const cls = [...sf.tensors.keys()].find((k) => /^model\.\d+\.cv3\.0\.2\.weight$/.test(k));
    nc = cls ? sf.tensors.get(cls)!.shape[0] : NaN;
  }
  if (!scale || !Number.isInteger(nc) || nc < 1) {
    throw new Error(`${file}: cannot tell the YOLOv8 scale and nc (no 'arch'/'nc' metadata and no recognizable model.0 / Detect tensors)`);
  }
  const model = createYolo({ scale, nc });
  try {
    loadWeights(model, sf);
  } catch (e) {
    model.dispose();
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  return { model, scale, nc };
}
