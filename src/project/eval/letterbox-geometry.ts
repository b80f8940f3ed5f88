/**
 * ultralytics 8.0.200's letterbox geometry, as numbers only (no pixels):
 * - `LetterBox.__call__` (data/augment.py): r = min(H/h, W/w), capped at 1 when scaleup is off;
 *   unpad = (round(w·r), round(h·r)); dw, dh = W − unpad_w, H − unpad_h, reduced mod stride when auto;
 *   halved when centred; top = round(dh − 0.1), left = round(dw − 0.1) (Python's round: half to even).
 * - `scale_boxes` (utils/ops.py) without ratio_pad (predict): gain = min(H/h0, W/w0),
 *   pad = (round((W − w0·gain)/2 − 0.1), round((H − h0·gain)/2 − 0.1)); with ratio_pad (validation):
 *   gain = ratio_pad[0][0] (the height ratio of load_image) and pad = ratio_pad[1] (LetterBox's left, top).
 * (`BaseDataset.load_image`, which validation runs first, is `resizeLongSide` in train/augment/letterbox.ts.)
 */

import type { LetterboxGeometry } from '../data/cv/letterbox';
import { FrameTransform, roundHalfEven } from './frame-transform';
import { numpyArgsort } from './numpy-argsort';

export type { LetterboxGeometry, LetterboxOptions } from '../data/cv/letterbox';
export { letterboxGeometry } from '../data/cv/letterbox';

/** Box mapping of ultralytics' predict (`scale_boxes` without ratio_pad) for an original w0 x h0 image. */
export function predictTransform(w0: number, h0: number, g: LetterboxGeometry): FrameTransform {
  const gain = Math.min(g.height / h0, g.width / w0);
  return {
    mode: 'letterbox', width0: w0, height0: h0, inputWidth: g.width, inputHeight: g.height,
    resizedWidth: g.unpadW, resizedHeight: g.unpadH, gainX: gain, gainY: gain,
    padX: roundHalfEven((g.width - w0 * gain) / 2 - 0.1), padY: roundHalfEven((g.height - h0 * gain) / 2 - 0.1),
  };
}

/**
 * Box mapping of ultralytics' validation (`scale_boxes` with ratio_pad): load_image took w0 x h0 to w1 x h1,
 * then LetterBox (scaleup off) placed it as `g` says. Both axes use the height ratio h1/h0, as ultralytics does.
 */
export function valTransform(w0: number, h0: number, h1: number, g: LetterboxGeometry): FrameTransform {
  const gain = h1 / h0;
  return {
    mode: 'letterbox', width0: w0, height0: h0, inputWidth: g.width, inputHeight: g.height,
    resizedWidth: g.unpadW, resizedHeight: g.unpadH, gainX: gain, gainY: gain, padX: g.left, padY: g.top,
  };
}

/** One batch of ultralytics' rect validation: dataset positions and the shared input shape [height, width]. */
export interface RectBatch {
  indices: number[];
  shape: [number, number];
}

/**
 * `BaseDataset.set_rectangle`: images sorted by aspect ratio h/w, cut into batches, each batch's shape
 * ceil(s · imgsz / stride + pad) · stride with s = [max ar, 1] (all wide), [1, 1/min ar] (all tall) or [1, 1].
 * The order is numpy's argsort's, ties included: among pictures of equal ratio it decides which batch, so which
 * padded shape, each one gets.
 */
export function rectBatches(sizes: { width: number; height: number }[], batch: number, imgsz: number, stride = 32, pad = 0.5): RectBatch[] {
  const ar = sizes.map((s) => s.height / s.width);
  const order = numpyArgsort(ar);
  const out: RectBatch[] = [];
  for (let s = 0; s < order.length; s += batch) {
    const indices = order.slice(s, s + batch);
    const ars = indices.map((i) => ar[i]);
    const mini = Math.min(...ars);
    const maxi = Math.max(...ars);
    const shape: [number, number] = maxi < 1 ? [maxi, 1] : mini > 1 ? [1, 1 / mini] : [1, 1];
    // float64 throughout, as numpy computes it (ar = h / w of integer shapes).
    const side = (x: number) => Math.ceil((x * imgsz) / stride + pad) * stride;
    out.push({ indices, shape: [side(shape[0]), side(shape[1])] });
  }
  return out;
}
