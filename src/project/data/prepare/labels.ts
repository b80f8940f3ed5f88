/**
 * The label step of `taco data prepare`, the homework's "YOLO folder + COCO files" output: each kept picture's
 * annotations are brought into its displayed frame, cleaned (clipped or dropped), and written three ways: YOLO
 * label lines in the resized frame, and COCO entries in both the resized and the original frame, so evaluation
 * can be run in either.
 */
import * as path from 'node:path';
import { ClassMapping, categoryIdToIndex, mappingToCocoCategories, mappingToJson } from '../classes';
import { CocoAnnotation, CocoDataset, CocoImage, xyxyToCoco } from '../coco';
import { SplitResult } from '../split';
import { ResizeMode, xyxyToResized, xyxyToYoloCxcywh } from '../resize-boxes';
import { FrameDecision, annotationBoxToOriginal } from '../frame-reconcile';
import { cleanBox, BoxDropReason } from '../box-clean';
import { writeFileAtomic } from '../atomic-write';
import { YoloSplit, yoloLabelLine } from '../yolo-dataset';
import { Processed } from './images';

export interface LabelsOptions {
  ok: Processed[];
  mapping: ClassMapping;
  imgsz: number;
  mode: ResizeMode;
  synthetic: boolean;
  out: string;
  droppedAnnotations: SplitResult['droppedAnnotations'];
  sizeMismatch: number;
}

export interface LabelsResult {
  coco: Record<YoloSplit, { resized: CocoDataset; original: CocoDataset }>;
  framesInfo: { resized: { kind: string; imgsz: number; mode: ResizeMode; note: string }; original: { kind: string; note: string } };
  dropped: Record<BoxDropReason, number>;
  clipped: number;
  kept: { train: number; val: number; test: number; total: number };
  frames: Record<FrameDecision['kind'], number>;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** Sorts `ok` by image id (in place) so every output lists images in the same order, whatever the pool did. */
export function writeLabels(o: LabelsOptions): LabelsResult {
  const { ok, mapping, imgsz, mode, synthetic, out } = o;
  const dropped: Record<BoxDropReason, number> = { nonPositiveSize: 0, outsideImage: 0, unknownCategory: o.droppedAnnotations.unknownCategory, unknownImage: o.droppedAnnotations.unknownImage };
  let clipped = 0;
  const kept = { train: 0, val: 0, test: 0, total: 0 };
  const frames: Record<FrameDecision['kind'], number> = { displayed: 0, rawFrame: 0, rescaled: 0, mismatch: o.sizeMismatch };
  const coco = {} as Record<YoloSplit, { resized: CocoDataset; original: CocoDataset }>;
  const framesInfo = {
    resized: { kind: 'resized', imgsz, mode, note: `${imgsz}x${imgsz} ${mode === 'stretch' ? 'stretched (aspect not kept)' : 'letterboxed (gray 114 padding)'}, EXIF auto-oriented` },
    original: { kind: 'original', note: 'full-resolution displayed (EXIF-rotated) frame, as TACO annotates' },
  };
  for (const s of ['train', 'val', 'test'] as const) {
    const base = (frame: object): CocoDataset => ({
      info: { description: `TACO detect-waste ${s} split${synthetic ? ' (SYNTHETIC TACO-mini)' : ''}, prepared by taco-companion`, synthetic, frame },
      frame,
      class_mapping: mappingToJson(mapping),
      images: [],
      annotations: [],
      categories: mappingToCocoCategories(mapping),
    });
    coco[s] = { resized: base(framesInfo.resized), original: base(framesInfo.original) };
  }
  ok.sort((a, b) => a.item.image.id - b.item.image.id);
  for (const p of ok) {
    frames[p.frame.kind]++;
    const im = p.item.image;
    const resize = { sx: p.params.sx, sy: p.params.sy, padX: p.params.padX, padY: p.params.padY };
    const common = { id: im.id, file_name: p.item.flatName, taco_file_name: im.file_name, exif_orientation: p.probe.orientation, orig_width: p.frame.width, orig_height: p.frame.height, resize };
    const cr: CocoImage = { ...common, width: imgsz, height: imgsz };
    const co: CocoImage = { ...common, width: p.frame.width, height: p.frame.height };
    coco[p.ysplit].resized.images.push(cr);
    coco[p.ysplit].original.images.push(co);
    const lines: string[] = [];
    for (const a of p.item.annotations) {
      const xyxy = annotationBoxToOriginal(a.bbox, p.frame, p.probe);
      const c = cleanBox(xyxy, p.frame.width, p.frame.height);
      if (c.kind === 'dropped') { dropped[c.reason]++; continue; }
      if (c.clipped) clipped++;
      const cls = categoryIdToIndex(mapping, a.category_id) as number;
      const boxArea = (c.box[2] - c.box[0]) * (c.box[3] - c.box[1]);
      // TACO's area is the polygon's; keep it (COCO area ranges use it), bounded by the clipped box.
      const area = typeof a.area === 'number' && a.area > 0 ? Math.min(a.area, boxArea) : boxArea;
      const rb = xyxyToResized(c.box, p.params);
      const extra: Partial<CocoAnnotation> = c.clipped ? { clipped: true } : {};
      // Output ids are renumbered per file (sources may repeat ids, which breaks COCO matching); source_id keeps the link.
      const id = coco[p.ysplit].original.annotations.length + 1;
      coco[p.ysplit].original.annotations.push({ id, source_id: a.id, image_id: im.id, category_id: a.category_id, bbox: xyxyToCoco(c.box).map(round3) as CocoAnnotation['bbox'], area: round3(area), iscrowd: a.iscrowd ? 1 : 0, ...extra });
      coco[p.ysplit].resized.annotations.push({ id, source_id: a.id, image_id: im.id, category_id: a.category_id, bbox: xyxyToCoco(rb).map(round3) as CocoAnnotation['bbox'], area: round3(area * p.params.sx * p.params.sy), iscrowd: a.iscrowd ? 1 : 0, ...extra });
      lines.push(yoloLabelLine(cls, xyxyToYoloCxcywh(rb, imgsz, imgsz)));
      kept[p.ysplit]++;
      kept.total++;
    }
    writeFileAtomic(path.join(out, 'labels', p.ysplit, p.item.flatName.replace(/\.jpg$/, '.txt')), lines.length ? lines.join('\n') + '\n' : '');
  }
  return { coco, framesInfo, dropped, clipped, kept, frames };
}
