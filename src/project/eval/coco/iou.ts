/**
 * Box IoU with pycocotools' maskUtils.iou (bbIou) semantics, operation for operation so the float64 results
 * are bit-identical: the union for a crowd GT is the detection's own area (intersection over detection area),
 * and the GT area here is its bbox w*h, not its `area` field.
 */

/**
 * Fills out[d*G + g] for detections `dIdx[0..D)` (rows of dBox) and GT `gIdx[0..G)` (rows of gBox).
 * Boxes are x, y, w, h.
 */
export function bboxIouBlock(
  dBox: Float64Array, // [*, 4]
  dIdx: Int32Array,
  D: number,
  gBox: Float64Array, // [*, 4]
  gCrowd: Uint8Array,
  gIdx: Int32Array,
  gOff: number,
  G: number,
  out: Float64Array, // [D, G]
): void {
  for (let g = 0; g < G; g++) {
    const gi = gIdx[gOff + g] * 4;
    const gx = gBox[gi], gy = gBox[gi + 1], gw = gBox[gi + 2], gh = gBox[gi + 3];
    const ga = gw * gh;
    const crowd = gCrowd[gIdx[gOff + g]] !== 0;
    for (let d = 0; d < D; d++) {
      const di = dIdx[d] * 4;
      const dx = dBox[di], dy = dBox[di + 1], dw = dBox[di + 2], dh = dBox[di + 3];
      let o = 0;
      const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
      if (w > 0) {
        const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
        if (h > 0) {
          const i = w * h;
          const da = dw * dh;
          const u = crowd ? da : da + ga - i;
          o = i / u;
        }
      }
      out[d * G + g] = o;
    }
  }
}
