/** Losses answer 1: L2 against cross-entropy, in float64. */

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export interface BinaryLosses {
  z: number;
  y: number;
  p: number;
  l2: number;
  /** ∂(σ(z)−y)²/∂z = 2(p−y)p(1−p). */
  dl2dz: number;
  bce: number;
  /** ∂BCE/∂z = p − y. */
  dbcedz: number;
}

/** L2 and BCE on one sample with logit z and label y ∈ {0, 1}. */
export function binaryLosses(z: number, y: number): BinaryLosses {
  if (y !== 0 && y !== 1) throw new Error(`label must be 0 or 1, got ${y}`);
  const p = sigmoid(z);
  // log σ(z) = −softplus(−z), computed stably so a confident mistake does not give log(0).
  const softplus = (t: number): number => Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
  const bce = y === 1 ? softplus(-z) : softplus(z);
  return { z, y, p, l2: (p - y) ** 2, dl2dz: 2 * (p - y) * p * (1 - p), bce, dbcedz: p - y };
}

export interface VectorLosses {
  mse: number;
  sumSq: number;
  l2norm: number;
  /** −log of the probability given to the true class. */
  ce: number;
}

/** The 4-class example some answers use: MSE, sum of squares, L2 norm and CE against a one-hot target. */
export function vectorLosses(target: number[], pred: number[]): VectorLosses {
  if (target.length !== pred.length) throw new Error('target and prediction lengths differ');
  const sumSq = pred.reduce((s, v, i) => s + (v - target[i]) ** 2, 0);
  const k = target.indexOf(1);
  if (k < 0) throw new Error('target must be one-hot');
  return { mse: sumSq / pred.length, sumSq, l2norm: Math.sqrt(sumSq), ce: -Math.log(pred[k]) };
}
