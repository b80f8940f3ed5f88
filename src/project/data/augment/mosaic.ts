import { Rng } from '../../random';
import { Boxes, Sample, concatBoxes, filledImage } from './image';

/**
 * ultralytics Mosaic (4 images): each image (already resized so its long side is `size`) goes in one
 * quadrant of a 2size x 2size grey canvas around a random centre (xc, yc) in [size/2, 1.5 size).
 * The affine step that follows (with border -size/2) crops the canvas back to size x size.
 */
export function mosaic4(samples: Sample[], size: number, rng: Rng): Sample {
  if (samples.length !== 4) throw new Error(`mosaic needs 4 images, got ${samples.length}`);
  const s = size;
  const canvas = filledImage(2 * s, 2 * s);
  const yc = Math.floor(rng.uniform(s / 2, 1.5 * s));
  const xc = Math.floor(rng.uniform(s / 2, 1.5 * s));
  const placed: Boxes[] = [];
  samples.forEach((smp, i) => {
    const { width: w, height: h, data } = smp.image;
    let x1a: number, y1a: number, x2a: number, y2a: number, x1b: number, y1b: number, x2b: number, y2b: number;
    if (i === 0) {
      [x1a, y1a, x2a, y2a] = [Math.max(xc - w, 0), Math.max(yc - h, 0), xc, yc];
      [x1b, y1b, x2b, y2b] = [w - (x2a - x1a), h - (y2a - y1a), w, h];
    } else if (i === 1) {
      [x1a, y1a, x2a, y2a] = [xc, Math.max(yc - h, 0), Math.min(xc + w, s * 2), yc];
      [x1b, y1b, x2b, y2b] = [0, h - (y2a - y1a), Math.min(w, x2a - x1a), h];
    } else if (i === 2) {
      [x1a, y1a, x2a, y2a] = [Math.max(xc - w, 0), yc, xc, Math.min(s * 2, yc + h)];
      [x1b, y1b, x2b, y2b] = [w - (x2a - x1a), 0, w, Math.min(y2a - y1a, h)];
    } else {
      [x1a, y1a, x2a, y2a] = [xc, yc, Math.min(xc + w, s * 2), Math.min(s * 2, yc + h)];
      [x1b, y1b, x2b, y2b] = [0, 0, Math.min(w, x2a - x1a), Math.min(y2a - y1a, h)];
    }
    const rowLen = (x2a - x1a) * 3;
    for (let y = 0; y < y2a - y1a; y++) {
      const src = ((y1b + y) * w + x1b) * 3;
      canvas.data.set(data.subarray(src, src + rowLen), ((y1a + y) * 2 * s + x1a) * 3);
    }
    const padw = x1a - x1b;
    const padh = y1a - y1b;
    const xyxy = new Float32Array(smp.boxes.xyxy.length);
    for (let k = 0; k < xyxy.length; k += 2) {
      xyxy[k] = smp.boxes.xyxy[k] + padw;
      xyxy[k + 1] = smp.boxes.xyxy[k + 1] + padh;
    }
    placed.push({ xyxy, cls: smp.boxes.cls });
  });
  const boxes = concatBoxes(placed);
  // ultralytics clips mosaic labels to the canvas before the affine step.
  for (let k = 0; k < boxes.xyxy.length; k++) boxes.xyxy[k] = Math.min(Math.max(boxes.xyxy[k], 0), 2 * s);
  return { image: canvas, boxes };
}
