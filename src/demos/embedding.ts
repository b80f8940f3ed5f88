import * as tf from '@tensorflow/tfjs-core';
import { gaussian, mulberry32 } from '../project/random';

/** Sequence answer 2: an embedding layer is a row lookup (gather) in a trainable table. */
export class Embedding {
  /** [numEmbeddings, dim], initialised N(0, 1) like nn.Embedding. */
  readonly weight: tf.Variable;

  constructor(readonly numEmbeddings: number, readonly dim: number, seed = 0, weight?: tf.Tensor2D) {
    // Seeded N(0,1) in JS: tf.randomNormal on the cpu backend takes seconds for 1.76M values.
    const w = weight ?? tf.tensor2d(Float32Array.from({ length: numEmbeddings * dim }, gaussian(mulberry32(seed))), [numEmbeddings, dim]);
    if (w.shape[0] !== numEmbeddings || w.shape[1] !== dim) throw new Error(`Embedding weight must be [${numEmbeddings}, ${dim}], got [${w.shape}]`);
    this.weight = tf.variable(w);
    if (!weight) w.dispose();
  }

  /** X: int32 indices of any shape → X.shape + [dim]. */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const flat = tf.reshape(x, [-1]);
      const rows = tf.gather(this.weight, flat); // [numel(X), dim]
      return tf.reshape(rows, [...x.shape, this.dim]);
    });
  }

  dispose(): void {
    this.weight.dispose();
  }
}

/** The same lookup as a matrix product: oneHot(X) @ W (exact: each output is one weight times 1). */
export function oneHotEmbedding(x: tf.Tensor, weight: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const oh = tf.oneHot(tf.reshape(x, [-1]) as tf.Tensor1D, weight.shape[0]); // [numel, V]
    return tf.reshape(tf.matMul(oh, weight), [...x.shape, weight.shape[1]]);
  });
}

export interface EmbeddingRun {
  shape: number[];
  elements: number;
  bytes: number;
  /** Spot check: Y[0,0,0,0,:] equals W[X[0,0,0,0],:]. */
  firstRowMatches: boolean;
}

/** Expected output size in float32: numel(X)·dim·4 bytes. */
export function embeddingBytes(xShape: number[], dim: number): number {
  return xShape.reduce((a, b) => a * b, 1) * dim * 4;
}

/** Runs the homework case for real (default X (5,6,7,8) over 42 tokens, dim 42000) and disposes of the output. */
export function runEmbedding(xShape = [5, 6, 7, 8], num = 42, dim = 42000, seed = 0): EmbeddingRun {
  const emb = new Embedding(num, dim, seed);
  try {
    const x = tf.randomUniformInt(xShape, 0, num, seed + 1);
    const y = emb.apply(x);
    const idx = x.dataSync()[0];
    const row = tf.tidy(() => tf.slice(y, new Array(xShape.length).fill(0).concat([0]), new Array(xShape.length).fill(1).concat([dim])).dataSync());
    const ref = tf.tidy(() => tf.slice(emb.weight, [idx, 0], [1, dim]).dataSync());
    const firstRowMatches = row.every((v, i) => v === ref[i]);
    const out = { shape: y.shape, elements: y.size, bytes: y.size * 4, firstRowMatches };
    x.dispose();
    y.dispose();
    return out;
  } finally {
    emb.dispose();
  }
}

export interface EquivalenceCheck {
  shape: number[];
  /** max |gather − tf.layers.embedding|. */
  vsLayers: number;
  /** max |gather − oneHot(X) @ W|. */
  vsOneHot: number;
}

/** Our gather embedding against tf.layers.embedding (same weights) and oneHot(X) @ W. */
export function embeddingEquivalence(xShape = [5, 6, 7, 8], num = 42, dim = 16, seed = 0): EquivalenceCheck {
  // Loaded lazily: tfjs-layers is only needed for this comparison.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tfl = require('@tensorflow/tfjs-layers') as typeof import('@tensorflow/tfjs-layers');
  const emb = new Embedding(num, dim, seed);
  try {
    return tf.tidy(() => {
      const x = tf.randomUniformInt(xShape, 0, num, seed + 1);
      const layer = tfl.layers.embedding({ inputDim: num, outputDim: dim, weights: [emb.weight] });
      const ours = emb.apply(x);
      const theirs = layer.apply(x) as tf.Tensor;
      const viaOneHot = oneHotEmbedding(x, emb.weight as unknown as tf.Tensor2D);
      const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
      const out = { shape: ours.shape, vsLayers: maxDiff(ours, theirs), vsOneHot: maxDiff(ours, viaOneHot) };
      layer.dispose();
      return out;
    });
  } finally {
    emb.dispose();
  }
}
