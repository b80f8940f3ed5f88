import { AugmentHyp, augmentSample } from '../augment/pipeline';
import { Sample } from '../augment/image';
import { Rng } from '../../random';

/** One training sample to build: its image, the seed of its own augmentation stream, its mosaic partners. */
export interface SamplePlan {
  index: number;
  seed: number;
  partners: number[];
}

/** Everything random about a batch was drawn on the main thread; building it from a plan is pure. */
export interface BatchPlan {
  items: SamplePlan[];
  mosaic: boolean;
}

/** 0..255 to 0..1 as float32: a table lookup is cheaper than a division per byte, and rounds the same. */
const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** Images [B, S, S, 3] in 0..1, interleaved as the samples are. */
export function collatePixels(samples: Sample[], imgsz: number): Float32Array {
  const plane = imgsz * imgsz * 3;
  const px = new Float32Array(samples.length * plane); // [B, S, S, 3]
  for (let b = 0; b < samples.length; b++) {
    const d = samples[b].image.data;
    const off = b * plane;
    for (let k = 0; k < d.length; k++) px[off + k] = UNIT[d[k]];
  }
  return px;
}

/**
 * Augments the planned samples and collates their pixels. `lookup` returns a decoded image (long
 * side imgsz) or undefined when it failed to decode; a missing mosaic partner is replaced by the
 * sample's own image, as the in-process loader always did.
 */
export function assembleBatch(plan: BatchPlan, n: number, lookup: (i: number) => Sample | undefined, imgsz: number, hyp: AugmentHyp): { px: Float32Array; samples: Sample[] } {
  const samples = plan.items.map((it) => {
    const base = lookup(it.index);
    if (!base) throw new Error(`batch assembly: image ${it.index} was not loaded`);
    const getter = (i: number): Sample => (i === it.index ? base : lookup(i) ?? base);
    return augmentSample(it.index, n, getter, imgsz, hyp, plan.mosaic, new Rng(it.seed));
  });
  return { px: collatePixels(samples, imgsz), samples };
}
