/**
 * Box conversions and IoU. Inside the project boxes are absolute-pixel xyxy float32 (DESIGN.md); every
 * conversion is named for both of its ends. Flat typed arrays hold boxes as [n, 4].
 *
 * IoU follows ultralytics' `box_iou` (torch float32, eps 1e-7): every arithmetic step is rounded to float32
 * with Math.fround so a match at exactly a threshold decides the same way as in PyTorch.
 */

const f = Math.fround;
const EPS_F32 = Math.fround(1e-7);

/** [n, 4] centre cx, cy, w, h (pixels) -> [n, 4] x1, y1, x2, y2, in float32 steps like ultralytics' xywh2xyxy. */
export function xywhToXyxy(xywh: ArrayLike<number>): Float32Array {
  const n = xywh.length >> 2;
  const out = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    const dw = f(xywh[o + 2] / 2);
    const dh = f(xywh[o + 3] / 2);
    out[o] = xywh[o] - dw;
    out[o + 1] = xywh[o + 1] - dh;
    out[o + 2] = xywh[o] + dw;
    out[o + 3] = xywh[o + 1] + dh;
  }
  return out;
}

/** [n, 4] x1, y1, x2, y2 -> [n, 4] centre cx, cy, w, h (pixels). */
export function xyxyToXywh(xyxy: ArrayLike<number>): Float32Array {
  const n = xyxy.length >> 2;
  const out = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    out[o] = (xyxy[o] + xyxy[o + 2]) / 2;
    out[o + 1] = (xyxy[o + 1] + xyxy[o + 3]) / 2;
    out[o + 2] = xyxy[o + 2] - xyxy[o];
    out[o + 3] = xyxy[o + 3] - xyxy[o + 1];
  }
  return out;
}

/** One xyxy box -> COCO [x, y, w, h] (top-left corner, pixels), as plain numbers for JSON. */
export function xyxyToCoco(x1: number, y1: number, x2: number, y2: number): [number, number, number, number] {
  return [x1, y1, x2 - x1, y2 - y1];
}

/** One COCO [x, y, w, h] box -> xyxy. */
export function cocoToXyxy(b: ArrayLike<number>): [number, number, number, number] {
  return [b[0], b[1], b[0] + b[2], b[1] + b[3]];
}

/** [n, 4] YOLO label boxes (normalized cx, cy, w, h) -> [n, 4] pixel xyxy in an image of width x height. */
export function yoloToXyxy(cxcywhN: ArrayLike<number>, width: number, height: number): Float32Array {
  const n = cxcywhN.length >> 2;
  const out = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    const cx = cxcywhN[o] * width, cy = cxcywhN[o + 1] * height;
    const hw = (cxcywhN[o + 2] * width) / 2, hh = (cxcywhN[o + 3] * height) / 2;
    out[o] = cx - hw;
    out[o + 1] = cy - hh;
    out[o + 2] = cx + hw;
    out[o + 3] = cy + hh;
  }
  return out;
}

/** [n, 4] pixel xyxy -> [n, 4] YOLO normalized cx, cy, w, h (float64, for writing label files). */
export function xyxyToYolo(xyxy: ArrayLike<number>, width: number, height: number): Float64Array {
  const n = xyxy.length >> 2;
  const out = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    out[o] = (xyxy[o] + xyxy[o + 2]) / 2 / width;
    out[o + 1] = (xyxy[o + 1] + xyxy[o + 3]) / 2 / height;
    out[o + 2] = (xyxy[o + 2] - xyxy[o]) / width;
    out[o + 3] = (xyxy[o + 3] - xyxy[o + 1]) / height;
  }
  return out;
}

/** Clips [n, 4] xyxy in place to [0, width] x [0, height] (ultralytics' clip_boxes). */
export function clipXyxy(xyxy: Float32Array | Float64Array, width: number, height: number): void {
  for (let o = 0; o < xyxy.length; o += 4) {
    xyxy[o] = Math.min(Math.max(xyxy[o], 0), width);
    xyxy[o + 1] = Math.min(Math.max(xyxy[o + 1], 0), height);
    xyxy[o + 2] = Math.min(Math.max(xyxy[o + 2], 0), width);
    xyxy[o + 3] = Math.min(Math.max(xyxy[o + 3], 0), height);
  }
}

/**
 * IoU of box i of `a` with box j of `b`, both [*, 4] xyxy, in ultralytics' float32 arithmetic:
 * inter / (area_a + area_b - inter + 1e-7).
 */
export function boxIouAt(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const ao = i * 4, bo = j * 4;
  const iw = f(Math.min(a[ao + 2], b[bo + 2]) - Math.max(a[ao], b[bo]));
  const ih = f(Math.min(a[ao + 3], b[bo + 3]) - Math.max(a[ao + 1], b[bo + 1]));
  const inter = iw > 0 && ih > 0 ? f(iw * ih) : 0;
  const areaA = f(f(a[ao + 2] - a[ao]) * f(a[ao + 3] - a[ao + 1]));
  const areaB = f(f(b[bo + 2] - b[bo]) * f(b[bo + 3] - b[bo + 1]));
  return f(inter / f(f(f(areaA + areaB) - inter) + EPS_F32));
}

/** IoU matrix [na, nb] (row-major, float32) of `a` [na, 4] against `b` [nb, 4], both xyxy. */
export function boxIouMatrix(a: ArrayLike<number>, b: ArrayLike<number>): Float32Array {
  const na = a.length >> 2, nb = b.length >> 2;
  const out = new Float32Array(na * nb);
  for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) out[i * nb + j] = boxIouAt(a, i, b, j);
  return out;
}
