/** Why a box was dropped (counted in the prepare summary). */
export type BoxDropReason = 'nonPositiveSize' | 'outsideImage' | 'unknownCategory' | 'unknownImage';

export type CleanResult = { kind: 'kept'; box: [number, number, number, number]; clipped: boolean } | { kind: 'dropped'; reason: BoxDropReason };

/**
 * Clip an xyxy box (pixels) to [0, W] x [0, H]. A box of zero/negative size is dropped; a box with nothing
 * inside the image is dropped; one partly outside (TACO has seven at y = -1) is clipped.
 */
export function cleanBox(xyxy: readonly number[], W: number, H: number): CleanResult {
  const [x, y] = xyxy;
  const w = xyxy[2] - x, h = xyxy[3] - y;
  if (!(w > 0) || !(h > 0)) return { kind: 'dropped', reason: 'nonPositiveSize' };
  const x1 = Math.max(0, x), y1 = Math.max(0, y), x2 = Math.min(W, x + w), y2 = Math.min(H, y + h);
  if (!(x2 > x1) || !(y2 > y1)) return { kind: 'dropped', reason: 'outsideImage' };
  const clipped = x1 !== x || y1 !== y || x2 !== x + w || y2 !== y + h;
  return { kind: 'kept', box: [x1, y1, x2, y2], clipped };
}
