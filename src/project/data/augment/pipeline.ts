import { Rng } from '../../random';
import { AffineParams, applyRandomAffine, randomAffine, warpAffine, affineBoxes } from './affine';
import { randomFlipLR } from './flip';
import { randomHsv } from './hsv';
import { Sample } from './image';
import { letterbox, letterboxBoxes, resizeLongSide } from './letterbox';
import { mosaic4 } from './mosaic';

/** ultralytics' default augmentation hyperparameters for detection. */
export interface AugmentHyp extends AffineParams {
  mosaic: number; // 1.0
  hsvH: number; // 0.015
  hsvS: number; // 0.7
  hsvV: number; // 0.4
  fliplr: number; // 0.5
}

export const DEFAULT_AUGMENT: AugmentHyp = { mosaic: 1.0, degrees: 0, translate: 0.1, scale: 0.5, shear: 0, hsvH: 0.015, hsvS: 0.7, hsvV: 0.4, fliplr: 0.5 };

/**
 * One training sample as ultralytics v8_transforms builds it:
 * [mosaic of 4 (p=mosaic) -> random affine cropping the 2s canvas to s] or [letterbox -> random affine]
 * -> HSV -> horizontal flip. `getSample(i)` returns an image resized so its long side is imgsz.
 * Returns boxes in output pixels, xyxy.
 */
export function augmentSample(index: number, n: number, getSample: (i: number) => Sample, imgsz: number, hyp: AugmentHyp, useMosaic: boolean, rng: Rng): Sample {
  let smp: Sample;
  if (useMosaic && rng.random() < hyp.mosaic) {
    const ids = [index, rng.int(n), rng.int(n), rng.int(n)];
    const canvas = mosaic4(ids.map((i) => { const s = getSample(i); return resizeLongSide(s.image, s.boxes, imgsz); }), imgsz, rng);
    // border = -imgsz/2: the affine maps the 2s canvas centre to around the s x s output centre.
    const { m, s } = randomAffine(canvas.image.width, canvas.image.height, imgsz, imgsz, hyp, rng);
    smp = { image: warpAffine(canvas.image, m, imgsz, imgsz), boxes: affineBoxes(canvas.boxes, m, s, imgsz, imgsz) };
  } else {
    const base = getSample(index);
    const lb = letterbox(base.image, imgsz);
    smp = applyRandomAffine({ image: lb.image, boxes: letterboxBoxes(base.boxes, lb.info) }, imgsz, hyp, rng);
  }
  smp = { image: randomHsv(smp.image, { h: hyp.hsvH, s: hyp.hsvS, v: hyp.hsvV }, rng), boxes: smp.boxes };
  return randomFlipLR(smp, hyp.fliplr, rng);
}
