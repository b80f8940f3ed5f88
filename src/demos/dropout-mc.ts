import { mulberry32 } from '../project/random';

/**
 * Monte Carlo check of Dropout answers 1 and 3: inverted dropout in float32 arithmetic (as
 * nn.Dropout and tf.dropout compute it), driven by a seeded generator so every run gives the same
 * numbers. Statistics, not masks, are what a test can compare across frameworks.
 */
export interface Estimate {
  value: number;
  /** 95% confidence interval (normal approximation, fine for n ~ 10^7). */
  ci: [number, number];
}

export interface DropoutStats {
  zeroFraction: Estimate;
  mean: Estimate;
  /** The value a surviving element of an all-ones input takes (the effective scale). */
  scale: number;
}

function estimate(sum: number, sumSq: number, n: number): Estimate {
  const m = sum / n;
  const half = 1.96 * Math.sqrt(Math.max(sumSq / n - m * m, 0) / n);
  return { value: m, ci: [m - half, m + half] };
}

function stats(y: Float32Array): DropoutStats {
  let zeros = 0;
  let sum = 0;
  let sumSq = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v === 0) zeros++;
    else scale = v;
    sum += v;
    sumSq += v * v;
  }
  return { zeroFraction: estimate(zeros, zeros, y.length), mean: estimate(sum, sumSq, y.length), scale };
}

export interface TwoVsOne {
  p1: number;
  p2: number;
  q: number;
  n: number;
  two: DropoutStats;
  one: DropoutStats;
  /** 1/(1−q), in float64. */
  expectedScale: number;
}

/** Equivalent single rate: an element survives both independent masks with probability (1−p1)(1−p2). */
export function combinedRate(p1: number, p2: number): number {
  return 1 - (1 - p1) * (1 - p2);
}

/** One inverted-dropout layer in float32: zero with probability p, else x·fround(1/(1−p)). */
export function dropoutInPlace(x: Float32Array, p: number, rand: () => number, scaled = true): Float32Array {
  const scale = scaled ? Math.fround(1 / (1 - p)) : 1;
  for (let i = 0; i < x.length; i++) x[i] = rand() < p ? 0 : x[i] * scale; // Float32Array rounds each product
  return x;
}

/** Two consecutive dropouts (p1, p2) against one with q = 1−(1−p1)(1−p2), on n ones. */
export function twoDropoutsVsOne(p1: number, p2: number, n = 10_000_000, seed = 0): TwoVsOne {
  if (!(p1 >= 0 && p1 < 1 && p2 >= 0 && p2 < 1)) throw new Error(`dropout rates must lie in [0, 1): got ${p1}, ${p2}`);
  const q = combinedRate(p1, p2);
  const rand = mulberry32(seed);
  const two = dropoutInPlace(dropoutInPlace(new Float32Array(n).fill(1), p1, rand), p2, rand);
  const one = dropoutInPlace(new Float32Array(n).fill(1), q, rand);
  return { p1, p2, q, n, two: stats(two), one: stats(one), expectedScale: 1 / (1 - q) };
}

export interface ExpectationCheck {
  p: number;
  /** Mean of the input itself. */
  inputMean: number;
  /** Mean after dropout with the 1/(1−p) scale (inverted dropout). */
  scaled: Estimate;
  /** Mean after zeroing only, with no scale. */
  unscaled: Estimate;
}

/**
 * Dropout on an input y ~ U[0, 2) (mean 1; any input works, the mask ignores y): with the 1/(1−p)
 * scale the mean is kept; without it, it becomes (1−p)·E[y].
 */
export function dropoutExpectation(p: number, n = 4_000_000, seed = 0): ExpectationCheck {
  const rand = mulberry32(seed);
  const y = Float32Array.from({ length: n }, () => 2 * rand());
  let sum = 0;
  for (let i = 0; i < n; i++) sum += y[i];
  const scaled = stats(dropoutInPlace(y.slice(), p, mulberry32(seed + 1))).mean;
  const unscaled = stats(dropoutInPlace(y.slice(), p, mulberry32(seed + 1), false)).mean;
  return { p, inputMean: sum / n, scaled, unscaled };
}

/** Relative difference |a−b|/|b|: float32 scales may differ by an ulp (~6e-8), so compare with a tolerance. */
export function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}
