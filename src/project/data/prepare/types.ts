/**
 * The options and the summary of `taco data prepare` (prepare.ts): the homework's data preparation steps
 * (flatten TACO, split by detect-waste, 90/10 train/val, auto-orient + resize to 640, YOLO folder + COCO files).
 * The summary is written as summary.json, so its fields are the dataset's record of what was kept and skipped.
 */
import { ClassMapping } from '../classes';
import { ResizeMode } from '../resize-boxes';
import { FrameDecision } from '../frame-reconcile';
import { BoxDropReason } from '../box-clean';
import { YoloSplit } from '../yolo-dataset';

export interface PrepareOptions {
  /** output folder (YOLO folder + COCO files + summary); nothing is written outside it */
  out: string;
  /** TACO root (holding data/) or its data folder; absent: generate the synthetic TACO-mini inside `out` */
  taco?: string;
  /** folder with detect-waste's annotations_train.json and annotations_test.json (searched beside TACO when absent) */
  detectWaste?: string;
  imgsz?: number;
  mode?: ResizeMode;
  /** fraction of detect-waste's train part that becomes val */
  valFraction?: number;
  seed?: number;
  concurrency?: number;
  quality?: number;
  mini?: { size?: number; seed?: number };
  mapping?: ClassMapping;
  onProgress?: (p: { phase: 'images'; done: number; total: number }) => void;
}

export type ImageDropReason = 'nonPublic' | 'missing' | 'unsafePath' | 'decodeError' | 'sizeMismatch';

export interface PrepareSummary {
  synthetic: boolean;
  source: { tacoDataDir: string; detectWaste: { train: string; test: string } };
  options: { imgsz: number; mode: ResizeMode; valFraction: number; seed: number; quality: number };
  images: { train: number; val: number; test: number; total: number; reused: number; processed: number };
  boxes: { kept: { train: number; val: number; test: number; total: number }; clipped: number; dropped: Record<BoxDropReason, number> };
  /** annotations that left with their skipped image */
  boxesOfSkippedImages: number;
  /** annotations in the inputs that repeat an id (kept, renumbered in the outputs) */
  duplicateAnnotationIds: number;
  imagesSkipped: Record<ImageDropReason, number>;
  skippedExamples: Record<string, string[]>;
  frames: Record<FrameDecision['kind'], number>;
  outputs: { dataYaml: string; coco: Record<YoloSplit, { resized: string; original: string }>; summary: string };
  seconds: number;
  imagesPerSecond: number;
}
