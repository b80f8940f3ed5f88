/**
 * The pixel step of `taco data prepare`, Roboflow's part in the homework's preparation: every picture is
 * auto-oriented (EXIF) and resized to imgsz, concurrently. A picture whose pixels disagree with its annotated
 * size, or that does not decode, is skipped and counted rather than failing the run; images the manifest
 * shows up to date are not decoded again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../coco';
import { SplitItem, SplitResult } from '../split';
import { ResizeMode, ResizeParams, resizeParams } from '../resize-boxes';
import { ImageProbe, orientAndResize, probeImage } from '../image-process';
import { FrameDecision, reconcileFrame } from '../frame-reconcile';
import { writeFileAtomicAsync } from '../atomic-write';
import { mapPool } from '../pool';
import { YoloSplit } from '../yolo-dataset';
import { MANIFEST_VERSION, Manifest, ManifestEntry } from './manifest';
import { ImageDropReason, PrepareOptions } from './types';

export interface Processed { item: SplitItem; ysplit: YoloSplit; probe: ImageProbe; frame: FrameDecision; params: ResizeParams; reused: boolean }

export interface ImagesOptions {
  split: SplitResult;
  ysplitOf: (it: SplitItem) => YoloSplit;
  out: string;
  prev: Manifest;
  imgsz: number;
  mode: ResizeMode;
  quality: number;
  concurrency: number;
  onProgress?: PrepareOptions['onProgress'];
}

export interface ImagesResult {
  ok: Processed[];
  /** the manifest entries of this run: every image written or reused */
  entries: Record<string, ManifestEntry>;
  imagesSkipped: Record<ImageDropReason, number>;
  skippedExamples: Record<string, string[]>;
}

export async function processImages(o: ImagesOptions): Promise<ImagesResult> {
  const { split, ysplitOf, out, prev, imgsz, mode, quality, concurrency } = o;
  const key = JSON.stringify({ imgsz, mode, quality, v: MANIFEST_VERSION });
  const entries: Record<string, ManifestEntry> = {};
  const imagesSkipped: Record<ImageDropReason, number> = { ...split.skippedImages, decodeError: 0, sizeMismatch: 0 };
  const skippedExamples: Record<string, string[]> = { ...split.skippedExamples, decodeError: [], sizeMismatch: [] };
  const note = (reason: 'decodeError' | 'sizeMismatch', msg: string) => {
    imagesSkipped[reason]++;
    if (skippedExamples[reason].length < 5) skippedExamples[reason].push(msg);
  };
  let done = 0;
  o.onProgress?.({ phase: 'images', done, total: split.items.length });
  const processed = await mapPool(split.items, concurrency, async (item): Promise<Processed | undefined> => {
    const ysplit = ysplitOf(item);
    const rel = `images/${ysplit}/${item.flatName}`;
    const dst = path.join(out, rel);
    try {
      const st = await fs.promises.stat(item.sourcePath);
      const old = prev.entries[rel];
      let probe: ImageProbe;
      let reused = false;
      if (old && old.src === item.sourcePath && old.size === st.size && old.mtimeMs === st.mtimeMs && old.key === key && fs.existsSync(dst) && fs.statSync(dst).size === old.outSize) {
        probe = old.probe;
        reused = true;
      } else probe = await probeImage(item.sourcePath);
      const frame = reconcileFrame(item.image.width, item.image.height, probe);
      if (frame.kind === 'mismatch') {
        note('sizeMismatch', `${item.image.file_name}: annotated ${item.image.width}x${item.image.height}, pixels ${probe.width}x${probe.height} (EXIF orientation ${probe.orientation})`);
        return undefined;
      }
      const params = resizeParams(frame.width, frame.height, imgsz, mode);
      let outSize = old?.outSize ?? 0;
      if (!reused) {
        const buf = await orientAndResize(item.sourcePath, params, quality);
        await writeFileAtomicAsync(dst, buf);
        outSize = buf.length;
      }
      entries[rel] = { src: item.sourcePath, size: st.size, mtimeMs: st.mtimeMs, key, outSize, probe };
      return { item, ysplit, probe, frame, params, reused };
    } catch (e) {
      if (e instanceof DataError) throw e;
      note('decodeError', `${item.image.file_name}: ${(e as Error).message}`);
      return undefined;
    } finally {
      done++;
      o.onProgress?.({ phase: 'images', done, total: split.items.length });
    }
  });
  const ok = processed.filter((p): p is Processed => p !== undefined);
  return { ok, entries, imagesSkipped, skippedExamples };
}
