/**
 * Kept for callers of the old name: `loadYolo` (src/project/model/load.ts) reads .pt checkpoints,
 * .safetensors files and bare names like yolov8n, and infers the scale and nc the same way.
 */

import type { Scale } from '../model/definition';
import type { YoloModel } from '../model/yolo';

/** @deprecated use loadYolo from '../model/load'. */
export async function loadYoloFromSafetensors(file: string): Promise<{ model: YoloModel; scale: Scale; nc: number }> {
  const { loadYolo } = await import('../model/load');
  const { model, scale, nc } = await loadYolo(file, { download: false });
  return { model, scale, nc };
}
