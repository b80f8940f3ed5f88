import * as tf from '@tensorflow/tfjs-core';
import type { LossTargets } from '../loss/targets';
import { mulberry32 } from '../random';

/**
 * A seeded batch for benchmarks and tests: flat random colours in 0..1 and `perImage` random boxes per
 * image (normalized cx, cy, w, h), each painted in a class-dependent colour so that the task is learnable.
 * The same seed gives the same bytes on every machine (mulberry32).
 */
export function syntheticBatch(
  batch: number,
  imgsz: number,
  nc: number,
  seed = 0,
  perImage = 4,
): { images: tf.Tensor4D /* [batch, imgsz, imgsz, 3] */; targets: LossTargets } {
  const rand = mulberry32(seed);
  const targets: LossTargets = { batchIdx: [], cls: [], bboxes: [] };
  const px = new Float32Array(batch * imgsz * imgsz * 3);
  for (let b = 0; b < batch; b++) {
    const base = [rand(), rand(), rand()];
    for (let i = 0; i < imgsz * imgsz; i++) for (let c = 0; c < 3; c++) px[(b * imgsz * imgsz + i) * 3 + c] = base[c] * 0.5;
    for (let k = 0; k < perImage; k++) {
      const w = 0.1 + 0.4 * rand();
      const h = 0.1 + 0.4 * rand();
      const cx = w / 2 + (1 - w) * rand();
      const cy = h / 2 + (1 - h) * rand();
      const cls = Math.floor(rand() * nc);
      targets.batchIdx.push(b);
      targets.cls.push(cls);
      targets.bboxes.push([cx, cy, w, h]);
      const col = [((cls * 37) % 100) / 100, ((cls * 61) % 100) / 100, ((cls * 83) % 100) / 100];
      const [x0, x1] = [Math.floor((cx - w / 2) * imgsz), Math.floor((cx + w / 2) * imgsz)];
      const [y0, y1] = [Math.floor((cy - h / 2) * imgsz), Math.floor((cy + h / 2) * imgsz)];
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) px[((b * imgsz + y) * imgsz + x) * 3 + c] = col[c];
    }
  }
  return { images: tf.tensor4d(px, [batch, imgsz, imgsz, 3]), targets };
}
