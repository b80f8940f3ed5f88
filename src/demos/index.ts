/** The demos behind the Part 2 answers, by the id an answer's `demos` list uses. */
export const DEMOS: Record<string, string> = {
  'receptive-field': 'receptive-field.ts: per-layer effective kernel, jump, RF, start offset; exact input support',
  'receptive-field-empirical': 'receptive-field-empirical.ts: RF from TF.js input gradients',
  'dropout-mc': 'dropout-mc.ts: two dropouts vs one, and the 1/(1−p) scale, by Monte Carlo',
  'dropout-order': 'dropout-order.ts: tf.dropout before/after sigmoid and ReLU with one mask',
  'l2-vs-ce': 'l2-vs-ce.ts: L2 vs BCE values and logit gradients',
  'gradient-depth': 'gradient-depth.ts: per-layer gradient norms of the 24-layer MLP',
  'newton-vs-momentum': 'newton-vs-momentum.ts + hessian.ts: iterations on a quadratic ravine, Newton with the autodiff Hessian',
  'implicit-diff': 'implicit-diff.ts: derivative of a bisection solution',
  'jacobian-product': 'jacobian-product.ts: products of Jacobians (measured) against c^L and the chain rule',
  'numeric-gradient': 'numeric-gradient.ts: finite differences vs tf.grad in float32',
  'difference-error': 'difference-error.ts: the best forward-difference error (~√ε) in float32 and float64; the float64 homework check',
  embedding: 'embedding.ts: gather embedding vs tf.layers.embedding vs one-hot matmul',
  elbo: 'elbo.ts: the ELBO bound and its gap, closed forms against quadrature',
  'gan-saturation': 'gan-saturation.ts: autodiff of the saturating and non-saturating generator losses',
  tbptt: 'tbptt.ts: gradients through a full and a truncated RNN unroll (tf.grad), and the forward dependence',
};
