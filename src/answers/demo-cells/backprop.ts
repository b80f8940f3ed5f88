import { DemoCell } from '../types';

/**
 * The graded demo cells of the Backpropagation answers (see ./index.ts for the cell format): numeric
 * gradients against autograd: the cost and error of finite differences in float32 and float64, and how
 * reliably a gradient check catches a wrong gradient.
 */
export const backpropDemoCells: Record<string, DemoCell[]> = {
  'backprop.q2': [
    [`{
  const fwd = gradientCheck({ scheme: "forward", delta: 1e-6 });
  const cen = gradientCheck({ scheme: "central", delta: 1e-2 });
  const a = compareGradients(fwd), c = compareGradients(cen);
  show(tableBundle([
    { scheme: "forward, delta 1e-6 (float32)", "max |num - auto|": a.maxAbsErr.toExponential(2), allclose: a.ok, "forward passes": fwd.forwardPasses },
    { scheme: "central, delta 1e-2 (float32)", "max |num - auto|": c.maxAbsErr.toExponential(2), allclose: c.ok, "forward passes": cen.forwardPasses },
  ], { caption: "rtol 1e-3, atol 1e-4; autograd needs one backward pass" }));
  const f32 = forwardDifferenceFloat32(100);
  show(tableBundle([{ "spacing of L (seed 0)": f32.seed0Spacing.toExponential(3), "quotients (seed 0)": f32.seed0Quotients.map((q) => q.toFixed(4)).join(", "), "worst entry (seed 0)": \`\${f32.seed0Worst.gradient.toFixed(4)} -> \${f32.seed0Worst.quotient}\`, "worst relative error, 100 seeds": f32.worstRelErr.map((e) => e.toFixed(3)).join(" .. ") }], { caption: "Forward differences, delta 1e-6, float32" }));
  const sweeps = [forwardDifferenceSweep("float64"), forwardDifferenceSweep("float32")];
  show(tableBundle(sweeps.map((s) => ({ precision: s.precision, "sqrt(eps)": s.sqrtEpsilon.toExponential(2), "best delta": s.bestDelta.toExponential(2), "best worst-case relative error": s.bestError.toExponential(2) })), { caption: "Forward differences of e^x at 100 points: the best delta" }));
  const kink = reluKinkQuotients();
  show(tableBundle([kink], { caption: "ReLU at its kink x = 0" }));
  assert.equal(a.ok, false);
  assert.equal(c.ok, true);
  assert.ok(near(sweeps[0].sqrtEpsilon, 1.5e-8, 0.05e-8) && near(sweeps[1].sqrtEpsilon, 3.5e-4, 0.05e-4));
  assert.ok(near(sweeps[0].bestError, 1.6e-8, 0.05e-8) && near(sweeps[1].bestError, 4.4e-4, 0.05e-4));
  assert.ok(near(f32.seed0Spacing, 1.19e-7, 0.005e-7));
  assert.deepEqual(f32.seed0Quotients.map((q) => q.toFixed(3)), ["0.000", "0.119"]);
  assert.ok(near(f32.seed0Worst.gradient, 0.095, 5e-4) && f32.seed0Worst.quotient === 0 && near(f32.seed0Worst.relErr, 1, 1e-9));
  assert.ok(near(f32.worstRelErr[0], 0.2, 0.005) && near(f32.worstRelErr[1], 1.6, 0.005));
  assert.deepEqual([kink.forward, kink.backward, kink.central, kink.autodiff], [1, 0, 0.5, 0]);
}`, 'backprop-numeric-cost', 2],
  ],
  'backprop.q3': [
    [`{
  const g = gradientCheck({ seed: 0 });
  const r = compareGradients(g);
  const exact = allclose([...g.autoW, ...g.autoB], [...g.exactW, ...g.exactB], 1e-5, 1e-7);
  const f64 = float64GradientError(0);
  show(tableBundle([
    { check: "numeric (central) vs tf.grad", rtol: r.rtol, atol: r.atol, "max error": r.maxAbsErr.toExponential(2), ok: r.ok },
    { check: "tf.grad vs closed form", rtol: exact.rtol, atol: exact.atol, "max error": exact.maxAbsErr.toExponential(2), ok: exact.ok },
    { check: "float64 central (delta 1e-6) vs closed form", rtol: 0, atol: 0, "max error": f64.maxAbsErr.toExponential(2), ok: true },
  ], { caption: \`loss = \${g.loss.toFixed(4)}; dL/db = [\${[...g.autoB].map((v) => v.toFixed(4))}], dL/dW row 0 = [\${[...g.autoW.slice(0, 5)].map((v) => v.toFixed(4))}]\` }));
  assert.ok(r.ok && exact.ok);
  assert.ok(g.exactB.every((v) => v === 0.2) && [...g.exactW].every((v) => near(v, 0.1, 0.02)));
  assert.deepEqual([g.forwardPasses - 1, gradientCheck({ scheme: "forward", delta: 1e-6 }).forwardPasses], [60, 31]); // 2P (+ L itself), P + 1
  assert.ok(near(f64.maxAbsErr, 8.7e-10, 0.05e-10));
  assert.ok(near(EPSILON.float32, 1.19e-7, 0.005e-7) && near(g.loss, 1.6, 0.05) && near(EPSILON.float32 * g.loss / 1e-2, 2e-5, 0.5e-5));
  let passed = 0, caught = 0, worst = 0;
  for (let seed = 0; seed < 100; seed++) {
    const h = gradientCheck({ seed });
    const cmp = compareGradients(h);
    worst = Math.max(worst, cmp.maxAbsErr);
    if (cmp.ok) passed++;
    if (!compareGradients(corruptW(h, seed % 25)).ok) caught++;
  }
  console.log(\`100 seeds: \${passed} pass (largest error \${worst.toExponential(2)}); a 1% error in one W entry caught \${caught} times\`);
  assert.deepEqual([passed, caught], [100, 100]);
  assert.ok(near(worst, 1.1e-5, 0.05e-5));
}`, 'backprop-numeric-vs-autograd', 3],
  ],
};
