import { decodeLikeCv2 } from '../cv/decode';
import { orientedSize } from '../../eval/oriented-size';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random';
import { Boxes, RgbImage, Sample } from '../augment/image';
import { resizeLongSide } from '../augment/letterbox';
import { AugmentHyp } from '../augment/pipeline';
import { assembleBatch, BatchPlan, collatePixels, SamplePlan } from './batch-assembly';

/** One image of a YOLO split, labels normalised cx, cy, w, h (the YOLO txt format). */
export interface LabeledImage {
  imagePath: string;
  labels: { cls: number; cx: number; cy: number; w: number; h: number }[];
}

/** A training batch: images [B, S, S, 3] in 0..1 and targets in the loss's format. */
export interface Batch {
  images: tf.Tensor4D;
  targets: { batchIdx: number[]; cls: number[]; bboxes: number[][] };
  /** Pixel-space boxes per image (for validation metrics and batch previews). */
  samples: Sample[];
  indices: number[];
}

/** Decodes to RGB bytes as cv2.imread does for ultralytics (EXIF orientation applied, ICC profiles ignored). */
export const decodeRgb = decodeLikeCv2;

function labelsToBoxes(l: LabeledImage['labels'], w: number, h: number): Boxes {
  const xyxy = new Float32Array(l.length * 4);
  const cls = new Int32Array(l.length);
  l.forEach((b, i) => {
    xyxy.set([(b.cx - b.w / 2) * w, (b.cy - b.h / 2) * h, (b.cx + b.w / 2) * w, (b.cy + b.h / 2) * h], i * 4);
    cls[i] = b.cls;
  });
  return { xyxy, cls };
}

/**
 * Decodes images (long side resized to imgsz, as ultralytics load_image) and keeps them in RAM, so
 * from the second epoch on no JPEG is decoded. Images that fail to decode are counted and skipped,
 * never crash an epoch.
 */
export class ImageCache {
  private readonly cache = new Map<number, Sample>();
  private readonly pending = new Map<number, Promise<Sample | undefined>>();
  readonly failed = new Map<number, string>();
  /** Each decoded picture's own (EXIF-oriented) size, before load_image resized it. */
  readonly originalSizes = new Map<number, { width: number; height: number }>();

  /** `augment` false (validation): shrink with INTER_AREA, as ultralytics' load_image does without augmentation. */
  constructor(readonly items: LabeledImage[], readonly imgsz: number, readonly keep = true, readonly augment = true) {}

  get size(): number {
    return this.items.length;
  }

  /** Starts decoding (sharp runs in libvips threads, so this overlaps the training step). */
  prefetch(indices: number[]): void {
    for (const i of indices) if (!this.cache.has(i) && !this.pending.has(i) && !this.failed.has(i)) this.pending.set(i, this.decode(i));
  }

  private async decode(i: number): Promise<Sample | undefined> {
    const it = this.items[i];
    try {
      const img = await decodeRgb(it.imagePath);
      this.originalSizes.set(i, { width: img.width, height: img.height });
      const s = resizeLongSide(img, labelsToBoxes(it.labels, img.width, img.height), this.imgsz, this.augment);
      if (this.keep) this.cache.set(i, s);
      return s;
    } catch (e) {
      this.failed.set(i, (e as Error).message);
      return undefined;
    } finally {
      this.pending.delete(i);
    }
  }

  async get(i: number): Promise<Sample | undefined> {
    const c = this.cache.get(i);
    if (c) return c;
    if (this.failed.has(i)) return undefined;
    return this.pending.get(i) ?? this.decode(i);
  }

  /** The picture's own (EXIF-oriented) size: known once decoded, else read from its header; undefined if unreadable. */
  async originalSize(i: number): Promise<{ width: number; height: number } | undefined> {
    const known = this.originalSizes.get(i);
    if (known) return known;
    if (this.failed.has(i)) return undefined;
    try {
      return await orientedSize(this.items[i].imagePath);
    } catch (e) {
      this.failed.set(i, `${this.items[i].imagePath}: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Synchronous access for mosaic partners; they must have been awaited with `get` first. */
  peek(i: number): Sample | undefined {
    return this.cache.get(i);
  }
}

export function collate(samples: Sample[], imgsz: number, indices: number[]): Batch {
  return toBatch(collatePixels(samples, imgsz), samples, imgsz, indices);
}

/** Wraps collated pixels [B, S, S, 3] and the samples' boxes as a batch (targets normalised cx, cy, w, h). */
export function toBatch(px: Float32Array, samples: Sample[], imgsz: number, indices: number[]): Batch {
  const B = samples.length;
  const batchIdx: number[] = [];
  const cls: number[] = [];
  const bboxes: number[][] = [];
  samples.forEach((s, b) => {
    const xy = s.boxes.xyxy;
    for (let i = 0; i < s.boxes.cls.length; i++) {
      const x1 = xy[i * 4], y1 = xy[i * 4 + 1], x2 = xy[i * 4 + 2], y2 = xy[i * 4 + 3];
      batchIdx.push(b);
      cls.push(s.boxes.cls[i]);
      bboxes.push([(x1 + x2) / 2 / imgsz, (y1 + y2) / 2 / imgsz, (x2 - x1) / imgsz, (y2 - y1) / imgsz]);
    }
  });
  return { images: tf.tensor4d(px, [B, imgsz, imgsz, 3]), targets: { batchIdx, cls, bboxes }, samples, indices };
}

/** A batch's random draws, made on the main thread, and the decoded images it needs (by index). */
export interface PlannedBatch {
  plan: BatchPlan;
  used: number[];
  images: Map<number, Sample>;
}

/**
 * Yields augmented training batches for one epoch in a seeded order. Images of batch k+1 are decoded
 * while batch k trains (the caller awaits `next()` only after its step).
 */
export class TrainLoader {
  constructor(
    readonly cache: ImageCache,
    readonly batch: number,
    readonly hyp: AugmentHyp,
    readonly rng: Rng,
  ) {}

  batchesPerEpoch(): number {
    return Math.ceil(this.cache.size / this.batch);
  }

  /** Shuffled order for an epoch (consumes the rng so a resumed run replays the same stream). */
  epochOrder(): number[] {
    return this.rng.shuffle(Array.from({ length: this.cache.size }, (_, i) => i));
  }

  /**
   * Draws the batch's randomness from the loader's rng (one seed per decoded image, in order) and
   * waits for the images it needs. Plans must be made in batch order for the stream to replay.
   */
  async planBatch(indices: number[], mosaic: boolean): Promise<PlannedBatch | undefined> {
    // Mosaic partners are drawn from the rng here so they can be decoded before augmentation.
    const n = this.cache.size;
    const loaded = await Promise.all(indices.map((i) => this.cache.get(i)));
    const items: SamplePlan[] = [];
    const used: number[] = [];
    const images = new Map<number, Sample>();
    for (let k = 0; k < indices.length; k++) {
      if (!loaded[k]) continue;
      images.set(indices[k], loaded[k]!);
      const partners: number[] = [];
      const seed = this.rng.nextU32();
      const preview = new Rng(seed);
      // Peek the partner ids the augmentation will draw (same rng stream), then make sure they are decoded.
      if (mosaic && preview.random() < this.hyp.mosaic) for (let j = 0; j < 3; j++) partners.push(preview.int(n));
      const got = await Promise.all(partners.map((p) => this.cache.get(p)));
      got.forEach((g, j) => {
        if (g) images.set(partners[j], g);
      });
      items.push({ index: indices[k], seed, partners });
      used.push(indices[k]);
    }
    if (items.length === 0) return undefined;
    return { plan: { items, mosaic }, used, images };
  }

  /** Plans and builds a batch on this thread (the trainer builds on a worker; see batch-pipeline.ts). */
  async makeBatch(indices: number[], mosaic: boolean): Promise<Batch | undefined> {
    const p = await this.planBatch(indices, mosaic);
    if (!p) return undefined;
    const { px, samples } = assembleBatch(p.plan, this.cache.size, (i) => p.images.get(i), this.cache.imgsz, this.hyp);
    return toBatch(px, samples, this.cache.imgsz, p.used);
  }
}

