/**
 * VAE answer 2.3 on a 1-D linear-Gaussian model, p(z) = N(0,1), p(x|z) = N(z, s²), where everything
 * is computable: p(x) = N(0, 1+s²), the posterior is N(x/(1+s²), s²/(1+s²)), and
 *   −ELBO(q) = E_q[−log p(x|z)] + KL(q ‖ p(z)) = −log p(x) + KL(q ‖ p(z|x)) ≥ −log p(x).
 * The closed forms are checked against brute-force quadrature of the integrals that define them.
 */

const logNormal = (x: number, mean: number, variance: number): number => -0.5 * Math.log(2 * Math.PI * variance) - ((x - mean) ** 2) / (2 * variance);

/** −log p(x) in closed form. */
export function negLogEvidence(x: number, s2: number): number {
  const v = 1 + s2;
  return 0.5 * Math.log(2 * Math.PI * v) + (x * x) / (2 * v);
}

/** −ELBO for q = N(m, v) in closed form: Gaussian reconstruction term plus KL(N(m,v) ‖ N(0,1)). */
export function negElbo(x: number, s2: number, m: number, v: number): number {
  const recon = 0.5 * Math.log(2 * Math.PI * s2) + ((x - m) ** 2 + v) / (2 * s2);
  const kl = 0.5 * (v + m * m - 1 - Math.log(v));
  return recon + kl;
}

export function posterior(x: number, s2: number): { m: number; v: number } {
  return { m: x / (1 + s2), v: s2 / (1 + s2) };
}

/** ∫ g(z) dz by the trapezoid rule on [lo, hi] (the integrands are Gaussian: tails beyond ±12σ are < 1e-30). */
function integrate(g: (z: number) => number, lo: number, hi: number, n = 20_000): number {
  const h = (hi - lo) / n;
  let s = 0.5 * (g(lo) + g(hi));
  for (let i = 1; i < n; i++) s += g(lo + i * h);
  return s * h;
}

/** −log ∫ p(x|z) p(z) dz by quadrature: the "intractable" integral, done by brute force in 1-D. */
export function negLogEvidenceByQuadrature(x: number, s2: number): number {
  return -Math.log(integrate((z) => Math.exp(logNormal(x, z, s2) + logNormal(z, 0, 1)), -12 - Math.abs(x), 12 + Math.abs(x)));
}

/** −ELBO by quadrature of its definition −E_q[log p(x|z) + log p(z) − log q(z)]. */
export function negElboByQuadrature(x: number, s2: number, m: number, v: number): number {
  const sd = Math.sqrt(v);
  return -integrate((z) => Math.exp(logNormal(z, m, v)) * (logNormal(x, z, s2) + logNormal(z, 0, 1) - logNormal(z, m, v)), m - 12 * sd, m + 12 * sd);
}

export interface ElboRow {
  q: string;
  m: number;
  v: number;
  negElbo: number;
  negElboQuadrature: number;
}

export interface ElboTable {
  x: number;
  s2: number;
  negLogEvidence: number;
  negLogEvidenceQuadrature: number;
  rows: ElboRow[];
}

export interface ElboOptions {
  /** The closed form under test; a test passes a broken one to see the check fail. */
  negElbo?: typeof negElbo;
}

/** −ELBO for q = the prior, q = N(1, 0.1) and q = the posterior, in closed form and by quadrature. */
export function elboTable(x = 2, s2 = 1, opts: ElboOptions = {}): ElboTable {
  const closed = opts.negElbo ?? negElbo;
  const post = posterior(x, s2);
  const qs: [string, number, number][] = [
    ['prior N(0, 1)', 0, 1],
    ['N(1, 0.1)', 1, 0.1],
    [`posterior N(${post.m}, ${post.v})`, post.m, post.v],
  ];
  return {
    x,
    s2,
    negLogEvidence: negLogEvidence(x, s2),
    negLogEvidenceQuadrature: negLogEvidenceByQuadrature(x, s2),
    rows: qs.map(([q, m, v]) => ({ q, m, v, negElbo: closed(x, s2, m, v), negElboQuadrature: negElboByQuadrature(x, s2, m, v) })),
  };
}
