import { Rng } from '../../random';
import { Sample } from './image';

/** ultralytics RandomFlip(direction='horizontal', p). */
export function randomFlipLR(smp: Sample, p: number, rng: Rng): Sample {
  if (!(rng.random() < p)) return smp;
  const { width: w, height: h, data } = smp.image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3, d = (y * w + (w - 1 - x)) * 3;
      out[d] = data[s]; out[d + 1] = data[s + 1]; out[d + 2] = data[s + 2];
    }
  }
  const xyxy = smp.boxes.xyxy.slice();
  for (let i = 0; i < xyxy.length; i += 4) {
    const x1 = xyxy[i], x2 = xyxy[i + 2];
    xyxy[i] = w - x2;
    xyxy[i + 2] = w - x1;
  }
  return { image: { data: out, width: w, height: h }, boxes: { xyxy, cls: smp.boxes.cls.slice() } };
}
