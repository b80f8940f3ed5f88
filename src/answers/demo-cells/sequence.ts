import { DemoCell } from '../types';

/**
 * The graded demo cells of the Sequence models answers (see ./index.ts for the cell format): the embedding
 * as a one-hot matrix product, the memory of a large embedding output, and truncated BPTT's gradients
 * against full BPTT.
 */
export const sequenceDemoCells: Record<string, DemoCell[]> = {
  'sequence.q1': [
    [`{
  const r = embeddingEquivalence([5, 6, 7, 8], 42, 16, 0);
  show(tableBundle([{ shape: r.shape.join("x"), "max |gather - tf.layers.embedding|": r.vsLayers, "max |gather - oneHot(X) @ W|": r.vsOneHot }], { caption: "A one-hot input times a weight matrix is an embedding lookup" }));
  assert.equal(r.vsLayers, 0);
  assert.equal(r.vsOneHot, 0);
}`, 'seq-embedding-equivalence', 1],
  ],
  'sequence.q2': [
    [`{
  const before = tf.memory().numTensors;
  const r = runEmbedding([5, 6, 7, 8], 42, 42000, 0);
  show(tableBundle([{ shape: r.shape.join("x"), elements: r.elements, bytes: r.bytes, MiB: r.bytes / 2 ** 20, "Y[0,0,0,0] = W[X[0,0,0,0]]": r.firstRowMatches }]));
  assert.deepEqual(r.shape, [5, 6, 7, 8, 42000]);
  assert.ok(r.firstRowMatches);
  assert.deepEqual([r.elements / 42000, r.elements, r.bytes], [1680, 70_560_000, 282_240_000]);
  assert.ok(near(r.bytes / 2 ** 20, 269.2, 0.05));
  assert.equal(tf.memory().numTensors, before); // disposed
}`, 'seq-embedding-shape', 2],
  ],
  'sequence.q3': [
    [`{
  // dy/dx_t three ways: the forward pass (finite differences, float64), full BPTT and TBPTT (tf.grad).
  const r = tbpttGradients({ steps: 20, chunk: 5 });
  show(tableBundle(r.full.map((g, t) => ({ t, "forward pass (finite difference)": r.forward[t].toExponential(3), "full BPTT": g.toExponential(3), "TBPTT, S = 5": r.truncated[t].toExponential(3) })), { caption: \`tanh RNN, 16 units, T = 20; y = \${r.yFull.toFixed(6)} (full) and \${r.yTruncated.toFixed(6)} (TBPTT: the state is carried)\` }));
  assert.equal(r.firstTrained, 15);
  assert.ok(r.truncated.slice(0, 15).every((g) => g === 0), "TBPTT: no gradient before the last chunk");
  for (let t = 15; t < 20; t++) assert.ok(Math.abs(r.truncated[t] - r.full[t]) <= 1e-6 * Math.abs(r.full[t]), \`t = \${t}\`);
  for (let t = 0; t < 20; t++) assert.ok(Math.abs(r.forward[t] - r.full[t]) <= 1e-3 * Math.abs(r.full[t]) + 1e-10, \`forward pass vs full BPTT at t = \${t}\`);
  assert.equal(r.yTruncated, r.yFull);
  assert.ok(near(r.forward[0], -1.47e-6, 0.005e-6) && near(r.forward[14], -1.11e-3, 0.005e-3), \`\${r.forward[0]} \${r.forward[14]}\`);
}`, 'seq-tbptt', 2],
  ],
};
