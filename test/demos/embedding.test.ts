import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { embeddingBytes, embeddingEquivalence, runEmbedding } from '../../src/demos/embedding';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

test('gather embedding equals tf.layers.embedding and oneHot(X) @ W exactly', () => {
  const before = tf.memory().numTensors;
  const r = embeddingEquivalence([5, 6, 7, 8], 42, 16, 2);
  assert.deepEqual(r.shape, [5, 6, 7, 8, 16]);
  assert.equal(r.vsLayers, 0);
  assert.equal(r.vsOneHot, 0);
  assert.equal(tf.memory().numTensors, before);
});

test('X (5,6,7,8) with 42 × 42000 embeddings: (5,6,7,8,42000), 282,240,000 bytes, run for real and disposed', () => {
  assert.equal(embeddingBytes([5, 6, 7, 8], 42000), 282_240_000);
  const before = tf.memory().numTensors;
  const r = runEmbedding();
  assert.deepEqual(r.shape, [5, 6, 7, 8, 42000]);
  assert.equal(r.elements, 70_560_000);
  assert.equal(r.bytes, 282_240_000);
  assert.equal(r.firstRowMatches, true);
  assert.equal(tf.memory().numTensors, before);
});
