/**
 * mulberry32: the project's small seeded generator (floats in [0, 1)). The same seed gives the same
 * sequence on every platform, so TACO-mini, weight init, demos and test cases are reproducible.
 * (Training's augmentation stream uses `train/rng.ts`, whose state a checkpoint can save.)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
