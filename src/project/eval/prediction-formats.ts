/**
 * Prediction outputs at the edges: COCO results JSON and YOLO txt lines. Category ids always come from the
 * dataset's mapping (model class index -> COCO category id), never index + 1.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Detections } from './nms';
import { xyxyToCoco } from './boxes';

export interface CocoResult {
  image_id: number | string;
  category_id: number;
  bbox: [number, number, number, number];
  score: number;
}

/** ultralytics' image id rule for files without a COCO id: the numeric stem, else the stem itself. */
export function imageIdFromPath(file: string): number | string {
  const stem = path.basename(file, path.extname(file));
  return /^\d+$/.test(stem) ? Number(stem) : stem;
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/** COCO results for one image (original-frame boxes), bbox rounded to 3 decimals and score to 5 as ultralytics writes them. */
export function cocoResults(det: Detections, imageId: number | string, indexToCategoryId: readonly number[]): CocoResult[] {
  const out: CocoResult[] = [];
  for (let i = 0; i < det.scores.length; i++) {
    const c = det.classes[i];
    const cat = indexToCategoryId[c];
    if (cat === undefined) throw new Error(`cocoResults: class index ${c} has no COCO category id in the mapping (${indexToCategoryId.length} classes)`);
    const [x, y, w, h] = xyxyToCoco(det.boxes[i * 4], det.boxes[i * 4 + 1], det.boxes[i * 4 + 2], det.boxes[i * 4 + 3]);
    out.push({ image_id: imageId, category_id: cat, bbox: [round(x, 3), round(y, 3), round(w, 3), round(h, 3)], score: round(det.scores[i], 5) });
  }
  return out;
}

/** YOLO txt lines "cls cx cy w h [conf]", normalized by the original image size. */
export function yoloTxt(det: Detections, width: number, height: number, saveConf = false): string {
  const lines: string[] = [];
  for (let i = 0; i < det.scores.length; i++) {
    const o = i * 4;
    const b = det.boxes;
    const v = [(b[o] + b[o + 2]) / 2 / width, (b[o + 1] + b[o + 3]) / 2 / height, (b[o + 2] - b[o]) / width, (b[o + 3] - b[o + 1]) / height];
    lines.push([det.classes[i], ...v.map((x) => Number(x.toPrecision(6))), ...(saveConf ? [Number(det.scores[i].toPrecision(6))] : [])].join(' '));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Writes name.tmp, then renames: a reader never sees a partial file. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
