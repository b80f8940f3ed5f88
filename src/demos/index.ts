/** The demos behind the Part 2 answers, by the id an answer's `demos` list uses. */
export const DEMOS: Record<string, string> = {
  'receptive-field': 'receptive-field.ts: per-layer effective kernel, jump, RF, start offset; exact input support',
  'receptive-field-empirical': 'receptive-field-empirical.ts: RF from TF.js input gradients',
  'dropout-mc': 'dropout-mc.ts: two dropouts vs one, and the 1/(1−p) scale, by Monte Carlo',
  'dropout-order': 'small-proofs.ts dropoutOrderSigmoid: dropout before/after sigmoid and ReLU',
  'l2-vs-ce': 'l2-vs-ce.ts: L2 vs BCE values and logit gradients',
  'gradient-depth': 'gradient-depth.ts: per-layer gradient norms of the 24-layer MLP',
  'newton-vs-momentum': 'newton-vs-momentum.ts: iterations on a quadratic ravine',
  'implicit-diff': 'small-proofs.ts implicitDiff: derivative of a bisection solution',
  'jacobian-product': 'jacobian-product.ts: products of Jacobians, c^L',
  'numeric-gradient': 'numeric-gradient.ts: finite differences vs tf.grad in float32',
  embedding: 'embedding.ts: gather embedding vs tf.layers.embedding vs one-hot matmul',
  elbo: 'small-proofs.ts negElbo / negLogEvidence: the ELBO bound and its gap',
  'gan-saturation': 'small-proofs.ts ganGeneratorGradients: saturating vs non-saturating generator loss',
};
