import { DemoCell } from '../types';

/**
 * The graded demo cells of the Unsupervised learning answers (see ./index.ts for the cell format): the ELBO
 * as an upper bound on -log p(x) (closed form against quadrature) and the saturating GAN generator loss.
 */
export const unsupervisedDemoCells: Record<string, DemoCell[]> = {
  'unsupervised.q2': [
    [`{
  const e = elboTable(2, 1);
  show(tableBundle(e.rows.map((r) => ({ q: r.q, "-ELBO (closed form)": r.negElbo, "-ELBO (quadrature)": r.negElboQuadrature })), { caption: \`x = 2: -log p(x) = \${e.negLogEvidence.toFixed(4)} (quadrature \${e.negLogEvidenceQuadrature.toFixed(4)}); every -ELBO is an upper bound, tight at the posterior\`, digits: 6 }));
  assert.ok(Math.abs(e.negLogEvidenceQuadrature - e.negLogEvidence) < 1e-9);
  for (const r of e.rows) {
    assert.ok(Math.abs(r.negElbo - r.negElboQuadrature) < 1e-9, \`\${r.q}: closed form \${r.negElbo}, quadrature \${r.negElboQuadrature}\`);
    assert.ok(r.negElbo >= e.negLogEvidence - 1e-12, r.q);
  }
  assert.deepEqual([e.rows[2].m, e.rows[2].v], [1, 0.5]);
  assert.ok(Math.abs(e.rows[2].negElbo - e.negLogEvidence) < 1e-12);
  [e.negLogEvidence, ...e.rows.map((r) => r.negElbo)].forEach((v, i) => assert.ok(near(v, [2.2655, 3.4189, 2.6702, 2.2655][i], 5e-5), \`\${v}\`));
}`, 'vae-elbo', 1],
  ],
  'unsupervised.q3': [
    [`{
  const rows = [0.5, 0.1, 0.01].map((d) => ganGeneratorGradients(d));
  show(tableBundle(rows.map((r) => ({ "D(G(z))": r.d, "autodiff: d log(1-D)/da": r.saturating, "-D": r.closedForm.saturating, "autodiff: d(-log D)/da": r.nonSaturating, "-(1-D)": r.closedForm.nonSaturating })), { caption: "Generator gradient w.r.t. D's logit a: log(1-D) saturates when D wins", digits: 6 }));
  for (const r of rows) assert.ok(near(r.saturating, r.closedForm.saturating, 1e-6) && near(r.nonSaturating, r.closedForm.nonSaturating, 1e-6), \`D = \${r.d}\`);
  assert.ok(near(rows[2].saturating, -0.01, 1e-6) && near(rows[2].nonSaturating, -0.99, 1e-6));
  assert.ok(near(discriminatorLoss(0.5, 0.5), 1.386, 5e-4)); // 2 ln 2: D's loss at the equilibrium D = 1/2
}`, 'gan-saturation', 1],
  ],
};
