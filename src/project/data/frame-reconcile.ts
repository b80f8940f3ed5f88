import { Orientation, rawBoxToDisplayed, swapsAxes } from './orientation';
import { cocoToXyxy, CocoBox } from './coco';

/**
 * How an annotation's stated width/height relate to the decoded, auto-oriented pixels.
 * - displayed: they match the EXIF-rotated picture (TACO's convention: boxes in the displayed frame);
 * - rawFrame: they match the stored pixels of a 90-degree-tagged file, so the boxes were drawn on the
 *   un-rotated picture and are rotated with it (the mismatch Roboflow's auto-orient fixed);
 * - rescaled: same aspect, other resolution (e.g. Flickr's 640 px copy): boxes stay in the annotation frame;
 * - mismatch: none of these; the image is dropped and counted.
 */
export type FrameKind = 'displayed' | 'rawFrame' | 'rescaled' | 'mismatch';

export interface FrameDecision {
  kind: FrameKind;
  /** the "original" frame of the outputs (displayed orientation) */
  width: number;
  height: number;
}

export function reconcileFrame(annW: number, annH: number, probe: { rawW: number; rawH: number; width: number; height: number; orientation: Orientation }): FrameDecision {
  if (annW === probe.width && annH === probe.height) return { kind: 'displayed', width: annW, height: annH };
  if (swapsAxes(probe.orientation) && annW === probe.rawW && annH === probe.rawH) return { kind: 'rawFrame', width: probe.width, height: probe.height };
  const rx = probe.width / annW, ry = probe.height / annH;
  if (Math.abs(rx - ry) <= 0.01 * Math.max(rx, ry)) return { kind: 'rescaled', width: annW, height: annH };
  return { kind: 'mismatch', width: annW, height: annH };
}

/** An annotation box (COCO xywh in the annotation frame) as xyxy in the decision's original frame. */
export function annotationBoxToOriginal(b: CocoBox, d: FrameDecision, probe: { rawW: number; rawH: number; orientation: Orientation }): [number, number, number, number] {
  const xyxy = cocoToXyxy(b);
  return d.kind === 'rawFrame' ? rawBoxToDisplayed(xyxy, probe.rawW, probe.rawH, probe.orientation) : xyxy;
}
