/** How an image of the original (displayed) frame lands in the imgsz x imgsz training frame. */
export type ResizeMode = 'stretch' | 'letterbox';

export interface ResizeParams {
  mode: ResizeMode;
  imgsz: number;
  /** original displayed frame */
  srcW: number;
  srcH: number;
  /** scale factors original -> resized, and the padding added before the left/top edge */
  sx: number;
  sy: number;
  padX: number;
  padY: number;
  /** size of the resized picture inside the canvas (excluding padding) */
  innerW: number;
  innerH: number;
}

/** Stretch fills the square (the seed's Roboflow step); letterbox keeps aspect and pads (ultralytics' gray 114). */
export function resizeParams(srcW: number, srcH: number, imgsz: number, mode: ResizeMode): ResizeParams {
  if (mode === 'stretch') return { mode, imgsz, srcW, srcH, sx: imgsz / srcW, sy: imgsz / srcH, padX: 0, padY: 0, innerW: imgsz, innerH: imgsz };
  const r = Math.min(imgsz / srcW, imgsz / srcH);
  const innerW = Math.max(1, Math.min(imgsz, Math.round(srcW * r)));
  const innerH = Math.max(1, Math.min(imgsz, Math.round(srcH * r)));
  const padX = Math.floor((imgsz - innerW) / 2);
  const padY = Math.floor((imgsz - innerH) / 2);
  return { mode, imgsz, srcW, srcH, sx: innerW / srcW, sy: innerH / srcH, padX, padY, innerW, innerH };
}

/** xyxy in the original frame -> xyxy in the resized frame. */
export function xyxyToResized(b: readonly number[], p: ResizeParams): [number, number, number, number] {
  return [b[0] * p.sx + p.padX, b[1] * p.sy + p.padY, b[2] * p.sx + p.padX, b[3] * p.sy + p.padY];
}

/** xyxy in the resized frame -> xyxy in the original frame (predictions back to full resolution). */
export function xyxyFromResized(b: readonly number[], p: ResizeParams): [number, number, number, number] {
  return [(b[0] - p.padX) / p.sx, (b[1] - p.padY) / p.sy, (b[2] - p.padX) / p.sx, (b[3] - p.padY) / p.sy];
}

/** xyxy pixels in an imgsz frame -> YOLO normalized cx cy w h. */
export function xyxyToYoloCxcywh(b: readonly number[], frameW: number, frameH: number): [number, number, number, number] {
  return [(b[0] + b[2]) / 2 / frameW, (b[1] + b[3]) / 2 / frameH, (b[2] - b[0]) / frameW, (b[3] - b[1]) / frameH];
}

export function yoloCxcywhToXyxy(b: readonly number[], frameW: number, frameH: number): [number, number, number, number] {
  const cx = b[0] * frameW, cy = b[1] * frameH, w = b[2] * frameW, h = b[3] * frameH;
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}
