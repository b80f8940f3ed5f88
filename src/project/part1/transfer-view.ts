/**
 * The notebook's view of a fine-tune's start (ultralytics prints "Transferred 349/355 items from yolov8x.pt"):
 * how many tensors came from the checkpoint, and which were skipped because their shape differs (for TACO's 7
 * classes, the last convolution of each class branch, made for COCO's 80; for YOLOv8n the whole branch, whose
 * width max(64, nc) follows nc).
 */

import * as path from 'node:path';
import type { TransferReport } from '../train/transfer-report';

export function transferSummary(t: TransferReport | undefined): string {
  if (!t) return 'trained from scratch: no initial weights (TACO_WEIGHTS=none, or no pretrained checkpoint in the cache for the quick demo)';
  return `Transferred ${t.loaded}/${t.total} tensors from ${path.basename(t.source)}; ${t.skipped.length} skipped (shape differs), ${t.missing.length} not in the checkpoint`;
}

/** One row per tensor the checkpoint could not fill. */
export function transferRows(t: TransferReport): { tensor: string; 'checkpoint shape': string; 'model shape': string; why: string }[] {
  return [
    ...t.skipped.map((s) => ({ tensor: s.name, 'checkpoint shape': `[${s.checkpoint.join(', ')}]`, 'model shape': `[${s.model.join(', ')}]`, why: 'shape differs (another nc): kept at its initial value' })),
    ...t.missing.map((n) => ({ tensor: n, 'checkpoint shape': '-', 'model shape': '', why: 'not in the checkpoint' })),
  ];
}
