/**
 * EXIF orientation (1..8): how the stored ("raw") pixels map to the displayed frame.
 * 1 none, 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 CW, 7 transverse, 8 rotate 270 CW.
 */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export function isOrientation(v: unknown): v is Orientation {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 8;
}

/** Orientations 5..8 swap width and height. */
export function swapsAxes(o: Orientation): boolean {
  return o >= 5;
}

export function displayedSize(rawW: number, rawH: number, o: Orientation): [number, number] {
  return swapsAxes(o) ? [rawH, rawW] : [rawW, rawH];
}

/** The orientation whose transform undoes `o` (6 and 8 are each other's inverse; the rest are involutions). */
export function inverseOrientation(o: Orientation): Orientation {
  return o === 6 ? 8 : o === 8 ? 6 : o;
}

/** Point (continuous pixel coordinates) from the raw frame [rawW x rawH] to the displayed frame. */
export function rawPointToDisplayed(x: number, y: number, rawW: number, rawH: number, o: Orientation): [number, number] {
  switch (o) {
    case 1: return [x, y];
    case 2: return [rawW - x, y];
    case 3: return [rawW - x, rawH - y];
    case 4: return [x, rawH - y];
    case 5: return [y, x];
    case 6: return [rawH - y, x];
    case 7: return [rawH - y, rawW - x];
    case 8: return [y, rawW - x];
  }
}

/** xyxy box from the raw frame to the displayed frame (the corners are re-sorted). */
export function rawBoxToDisplayed(b: readonly number[], rawW: number, rawH: number, o: Orientation): [number, number, number, number] {
  const [ax, ay] = rawPointToDisplayed(b[0], b[1], rawW, rawH, o);
  const [bx, by] = rawPointToDisplayed(b[2], b[3], rawW, rawH, o);
  return [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)];
}

/**
 * Apply orientation `o` to interleaved pixels [h, w, c] (raw -> displayed). The generator uses it
 * with the inverse orientation to store displayed pictures as raw pixels plus an EXIF tag.
 */
export function orientPixels(px: Uint8Array, w: number, h: number, c: number, o: Orientation): { data: Uint8Array; width: number; height: number } {
  const [dw, dh] = displayedSize(w, h, o);
  const out = new Uint8Array(dw * dh * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [fx, fy] = rawPointToDisplayed(x + 0.5, y + 0.5, w, h, o);
      const src = (y * w + x) * c;
      const dst = (Math.floor(fy) * dw + Math.floor(fx)) * c;
      for (let k = 0; k < c; k++) out[dst + k] = px[src + k];
    }
  }
  return { data: out, width: dw, height: dh };
}
