import { DemoCell } from '../types';

/**
 * The graded demo cells of the Dropout answers (see ./index.ts for the cell format): dropout's statistics
 * measured on tf.dropout (stacked rates, order against the activation, the 1/(1-p) scale), each number
 * asserted inside its Monte Carlo interval.
 */
export const dropoutDemoCells: Record<string, DemoCell[]> = {
  'dropout.q1': [
    [`{
  const r = twoDropoutsVsOne(0.1, 0.2, 10_000_000, 0);
  const ci = (e: { value: number; ci: [number, number] }) => \`\${e.value.toFixed(5)} [\${e.ci[0].toFixed(5)}, \${e.ci[1].toFixed(5)}]\`;
  show(tableBundle([
    { setup: "Dropout(0.1) then Dropout(0.2)", "zero fraction (95% CI)": ci(r.two.zeroFraction), "mean (95% CI)": ci(r.two.mean), "kept value": r.two.scale.toPrecision(9) },
    { setup: \`Dropout(q = \${r.q.toFixed(2)})\`, "zero fraction (95% CI)": ci(r.one.zeroFraction), "mean (95% CI)": ci(r.one.mean), "kept value": r.one.scale.toPrecision(9) },
  ], { caption: \`10^7 ones; expected zero fraction 0.28, mean 1, scale 1/(1-q) = \${r.expectedScale.toPrecision(9)}\` }));
  assert.ok(near(r.q, 0.28, 1e-12) && near(1 - r.q, 0.72, 1e-12) && near(r.expectedScale, 1.3889, 5e-5));
  for (const s of [r.two, r.one]) {
    assert.ok(s.zeroFraction.ci[0] <= r.q && r.q <= s.zeroFraction.ci[1]);
    assert.ok(s.mean.ci[0] <= 1 && 1 <= s.mean.ci[1]);
    assert.ok(relDiff(s.scale, r.expectedScale) < 1e-6); // float32: an ulp apart, never compare exactly
  }
}`, 'dropout-two-vs-one', 2],
  ],
  'dropout.q2': [
    [`{
  // Both orders through tf.dropout with one seed (one mask): ReLU gives the same outputs, sigmoid does not.
  const relu = dropoutOrder("relu"), sig = dropoutOrder("sigmoid");
  show(tableBundle([relu, sig].map((r) => ({ activation: r.activation, "no dropout": r.eval, "dropout after": r.after, "dropout before": r.before, "max |before - after|": r.maxDiff })), { caption: "Mean output for x ~ N(1,1), p = 0.3, 10^6 samples", digits: 4 }));
  assert.ok(relu.maxDiff <= 1e-6, \`ReLU: the orders differ by \${relu.maxDiff}\`);
  assert.ok(near(sig.maxDiff, 0.5, 1e-6), "sigmoid: a dropped pre-activation gives sigma(0) = 0.5, not 0");
  assert.ok(near(sig.eval, 0.697, 0.002) && near(sig.after, 0.697, 0.002) && near(sig.before, 0.668, 0.002), \`\${sig.eval} \${sig.after} \${sig.before}\`); // Monte Carlo: 4 standard errors
}`, 'dropout-order', 1],
  ],
  'dropout.q3': [
    [`{
  const rows = [0.1, 0.3, 0.5].map((p) => {
    const e = dropoutExpectation(p, 2_000_000, 1);
    assert.ok(e.scaled.ci[0] <= e.inputMean && e.inputMean <= e.scaled.ci[1]);
    assert.ok(e.unscaled.ci[0] <= (1 - p) * e.inputMean && (1 - p) * e.inputMean <= e.unscaled.ci[1]);
    return { p, "E[y]": e.inputMean, "mean, scaled 1/(1-p)": e.scaled.value, "mean, unscaled": e.unscaled.value, "(1-p) E[y]": (1 - p) * e.inputMean };
  });
  show(tableBundle(rows, { caption: "y ~ U[0,2), 2·10^6 samples" }));
}`, 'dropout-scale', 2],
  ],
};
