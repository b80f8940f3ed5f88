/**
 * The graded demo cells of the Part 2 notebook, by question id: [source, grade id, points]. Each cell runs a
 * demo from src/demos, shows its numbers, and asserts every number the answer quotes (with the tolerance
 * given there), so a broken demo fails its check. Each cell is a block, so names never clash.
 */
export const DEMO_CELLS: Record<string, [string, string, number][]> = {
  'cnn.q1': [
    [`{
  // Analytic RF per layer of the homework CNN (activations are identities and are left out).
  const rows = withoutActivations(receptiveFieldTable(HOMEWORK_CNN, 1024), HOMEWORK_CNN);
  show(tableBundle(rows, { caption: "Effective kernel, jump, receptive field, start offset and size per layer (input 1024)" }));
  assert.deepEqual(rows.map((r) => r.kernel), [3, 2, 5, 2, 13]);
  assert.deepEqual(rows.map((r) => r.jump), [1, 2, 4, 8, 8]);
  assert.deepEqual(rows.map((r) => r.rf), [3, 4, 12, 16, 112]);
  assert.deepEqual(rows.map((r) => r.size), [1024, 512, 256, 128, 122]);
  assert.equal(receptiveFieldClosedForm(HOMEWORK_CNN), 112);
}`, 'cnn-rf-analytic', 2],
  ],
  'cnn.q2': [
    [`{
  // The same 3 layers of k=3, grown three ways: RF after each layer.
  const ways: Record<string, RfLayer[]> = {
    "plain conv 3x3": [{ type: "conv", kernel: 3 }, { type: "conv", kernel: 3 }, { type: "conv", kernel: 3 }],
    "conv + maxpool 2": [{ type: "conv", kernel: 3 }, { type: "maxpool", kernel: 2 }, { type: "conv", kernel: 3 }, { type: "maxpool", kernel: 2 }, { type: "conv", kernel: 3 }],
    "stride-2 conv": [{ type: "conv", kernel: 3, stride: 2 }, { type: "conv", kernel: 3, stride: 2 }, { type: "conv", kernel: 3, stride: 2 }],
    "dilation 1, 2, 4": [{ type: "conv", kernel: 3, dilation: 1 }, { type: "conv", kernel: 3, dilation: 2 }, { type: "conv", kernel: 3, dilation: 4 }],
    "dilation 1, 2, 4, padding = dilation": [{ type: "conv", kernel: 3, dilation: 1, padding: 1 }, { type: "conv", kernel: 3, dilation: 2, padding: 2 }, { type: "conv", kernel: 3, dilation: 4, padding: 4 }],
  };
  const out = Object.entries(ways).map(([name, net]) => ({ network: name, "RF per layer": receptiveFieldTable(net, 256).map((r) => r.rf).join(", "), "output size (of 256)": receptiveFieldTable(net, 256).at(-1)!.size }));
  show(tableBundle(out));
  assert.equal(receptiveFieldClosedForm(ways["plain conv 3x3"]), 7);
  assert.equal(receptiveFieldClosedForm(ways["stride-2 conv"]), 15);
  assert.equal(receptiveFieldClosedForm(ways["dilation 1, 2, 4"]), 15);
  // Without padding each dilated layer loses d(k-1) = 2, 4, 8 pixels: 242 of 256. Padding d keeps all 256.
  assert.equal(receptiveFieldTable(ways["dilation 1, 2, 4"], 256).at(-1)!.size, 242);
  assert.equal(receptiveFieldTable(ways["dilation 1, 2, 4, padding = dilation"], 256).at(-1)!.size, 256);
}`, 'cnn-rf-growth', 1],
  ],
  'cnn.q3': [
    [`{
  // Exact input support (padding and dilation holes accounted for), along one axis; the RF read top-down.
  const layers = HOMEWORK_CNN.filter((l) => l.type !== "activation");
  const top = receptiveFieldTable(layers, 1024).at(-1)!;
  const mid = inputSupport(HOMEWORK_CNN, 1024, 61);
  const corner = inputSupport(HOMEWORK_CNN, 1024, 0);
  show(tableBundle([
    { output: 61, first: mid[0], last: mid[mid.length - 1], pixels: mid.length },
    { output: 0, first: corner[0], last: corner[corner.length - 1], pixels: corner.length },
  ], { caption: "Input rows (= columns) each output pixel depends on" }));
  show(tableBundle([{ "top-down r_5 .. r_0": receptiveFieldTopDown(layers).join(", "), "start offset": top.start, "centre of output i": \`\${top.jump} i + \${top.start + (top.rf - 1) / 2}\`, "conv3 taps of output 0 (pool-2 rows)": tapPositions(layers[4], 0).join(", ") }]));
  assert.deepEqual(receptiveFieldTopDown(layers), [1, 13, 26, 55, 110, 112]);
  assert.deepEqual([top.start, top.start + (top.rf - 1) / 2, top.start + top.rf - 1], [-29, 26.5, 82]);
  assert.deepEqual(tapPositions(layers[4], 0), [-3, -1, 1, 3, 5, 7, 9]);
  assert.deepEqual([mid[0], mid[mid.length - 1], mid.length], [459, 570, 112]);
  assert.deepEqual([corner[0], corner[corner.length - 1], corner.length], [3, 82, 80]);
}`, 'cnn-rf-support', 2],
    [`{
  // Empirical: the same network in TF.js, gradient of output pixel (61,61) w.r.t. the input.
  const mid = empiricalReceptiveField(HOMEWORK_CNN, 61, 61, { inputSize: 1024 });
  const corner = empiricalReceptiveField(HOMEWORK_CNN, 0, 0, { inputSize: 1024 });
  show(tableBundle([
    { output: "(61,61)", rows: mid.rows.join(".."), cols: mid.cols.join(".."), pixels: mid.pixels, solid: mid.solid },
    { output: "(0,0)", rows: corner.rows.join(".."), cols: corner.cols.join(".."), pixels: corner.pixels, solid: corner.solid },
  ], { caption: \`TF.js output shape [\${mid.outputShape}] (NHWC); non-zero input gradient\` }));
  assert.deepEqual(mid.outputShape, [1, 122, 122, 32]);
  assert.deepEqual([mid.rows, mid.cols, mid.pixels, mid.solid], [[459, 570], [459, 570], 112 * 112, true]);
  assert.deepEqual([corner.rows, corner.cols, corner.pixels], [[3, 82], [3, 82], 80 * 80]);
}`, 'cnn-rf-empirical', 3],
  ],
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
  'losses.q1': [
    [`{
  const b = binaryLosses(-10, 1);
  show(tableBundle([
    { loss: "L2", value: b.l2, "dloss/dz": b.dl2dz.toExponential(3) },
    { loss: "BCE", value: b.bce, "dloss/dz": b.dbcedz.toExponential(3) },
  ], { caption: \`hotdog (y=1) scored with logit z=-10, p=\${b.p.toExponential(3)}\`, digits: 5 }));
  const v1 = vectorLosses([1, 0, 0, 0], [0.3, 0.25, 0.25, 0.2]);
  const v2 = vectorLosses([1, 0, 0, 0], [0.49, 0.5, 0.01, 0]);
  show(tableBundle([{ vector: "V1", ...v1 }, { vector: "V2", ...v2 }], { caption: "The 4-class example: MSE, sum of squares, L2 norm, CE", digits: 5 }));
  assert.ok(near(b.p, 4.54e-5, 5e-8) && near(b.l2, 0.99991, 5e-6) && near(b.dl2dz, -9.1e-5, 5e-7));
  assert.ok(near(b.bce, 10.00005, 5e-6) && near(b.dbcedz, -0.99995, 5e-6));
  assert.ok(near(b.dbcedz / b.dl2dz, 1.1e4, 500));
  assert.ok(near(v1.mse, 0.16375, 1e-12) && near(v2.mse, 0.12755, 1e-12) && near(v1.sumSq, 0.655, 1e-12) && near(v2.sumSq, 0.51, 5e-4));
  assert.ok(near(v1.ce, 1.204, 5e-4) && near(v2.ce, 0.713, 5e-4) && v1.ce > v2.ce);
}`, 'losses-l2-vs-ce', 2],
  ],
  'losses.q2': [
    [`{
  const runs = [
    gradientNormsByDepth({ activation: "sigmoid", init: "torch" }),
    gradientNormsByDepth({ activation: "tanh", init: "torch" }),
    gradientNormsByDepth({ activation: "tanh", init: "glorot" }),
    gradientNormsByDepth({ activation: "relu", init: "torch" }),
    gradientNormsByDepth({ activation: "relu", init: "he" }),
  ];
  show(plotlyBundle(gradientDepthFigure(runs) as PlotlyFigure));
  show(tableBundle(runs.map((r) => ({ activation: r.activation, init: r.init, "first/last gradient norm": r.ratio.toExponential(2), "shrink per layer": r.perLayer.toFixed(3) })), { caption: \`mlpirate, \${runs[0].parameters} parameters (the 24 hidden layers share one Linear)\` }));
  assert.ok(near(runs[0].ratio, 3e-21, 0.5e-21) && near(1 / runs[0].perLayer, 7.2, 0.05));
  assert.equal(runs[0].parameters, 22145);
  assert.equal(mlpirateParameters(42, 128, 24, false), 401921);
}`, 'losses-vanishing', 2],
  ],
  'losses.q3': [
    [`{
  const t = gradientNormsByDepth({ activation: "tanh", init: "torch" });
  const g = gradientNormsByDepth({ activation: "tanh", init: "glorot" });
  const s = gradientNormsByDepth({ activation: "sigmoid", init: "torch" });
  show(tableBundle([{ "sigmoid first/last": s.ratio.toExponential(2), "tanh first/last": t.ratio.toExponential(2), "tanh, Glorot init": g.ratio.toFixed(2) }], { caption: "Same network: tanh helps by many orders of magnitude, yet still vanishes with PyTorch's init" }));
  assert.ok(near(t.ratio, 1.4e-6, 0.05e-6) && near(g.ratio, 0.37, 0.005) && t.ratio > 1e6 * s.ratio);
}`, 'losses-tanh', 1],
  ],
  'losses.q4': [
    [`{
  const torch = gradientNormsByDepth({ activation: "relu", init: "torch" });
  const he = gradientNormsByDepth({ activation: "relu", init: "he" });
  show(tableBundle([torch, he].map((r) => ({ activation: r.activation, init: r.init, "first/last gradient norm": r.ratio.toExponential(2) })), { caption: "Only ReLU activations, 24 layers: the weights decide" }));
  assert.ok(near(torch.ratio, 4.3e-10, 0.05e-10) && near(he.ratio, 1.1, 0.05));
}`, 'losses-relu-depth', 1],
  ],
  'optimization.q4': [
    [`{
  const r = ravineRace();
  show(tableBundle([
    { method: "Newton (Hessian by autodiff)", iterations: r.newton },
    { method: \`heavy ball, optimal (lr \${r.momentumOptimal.lr.toFixed(4)}, beta \${r.momentumOptimal.beta.toFixed(4)})\`, iterations: r.momentumOptimal.iterations },
    { method: "heavy ball, lr 0.01, beta 0.9", iterations: r.momentumTypical.iterations },
    { method: \`GD, optimal step \${r.gdOptimal.lr.toFixed(4)}\`, iterations: r.gdOptimal.iterations },
  ], { caption: \`Iterations to f <= 1e-10 f0 on f = (x^2 + 100 y^2)/2 from (1,1); autodiff Hessian \${JSON.stringify(r.hessian)}\` }));
  assert.deepEqual(r.hessian, [[1, 0], [0, 100]]);
  assert.deepEqual([r.newton, r.momentumOptimal.iterations, r.momentumTypical.iterations, r.gdOptimal.iterations], [1, 83, 179, 576]);
}`, 'opt-newton-ravine', 2],
  ],
  'optimization.q5': [
    [`{
  const d = implicitDiff(2);
  show(tableBundle([{ theta: d.theta, "z* (bisection)": d.zStar, "implicit dz*/dtheta": d.implicit, "finite difference": d.finiteDifference }], { digits: 6 }));
  assert.ok(near(d.zStar, 0.442854, 5e-7) && near(d.implicit, 0.391061, 5e-7));
  assert.ok(Math.abs(d.implicit - d.finiteDifference) < 1e-7);
}`, 'opt-implicit', 1],
  ],
  'optimization.q6': [
    [`{
  const o09 = orthogonalChain(0.9, 50), o11 = orthogonalChain(1.1, 50);
  const sg = sigmoidChain(1, 24), lin = linearChain(2, 24);
  show(tableBundle([
    { chain: "orthogonal, c = 0.9, L = 50", measured: o09.measured.toExponential(4), predicted: \`c^L = \${o09.predicted.toExponential(4)}\` },
    { chain: "orthogonal, c = 1.1, L = 50", measured: o11.measured.toExponential(4), predicted: \`c^L = \${o11.predicted.toExponential(4)}\` },
    { chain: "sigmoid, w = 1, L = 24 (autodiff)", measured: sg.measured.toExponential(4), predicted: \`chain rule \${sg.predicted.toExponential(4)} (bound 0.25^24 = \${sg.bound.toExponential(4)})\` },
    { chain: "linear, c = 2, L = 24 (autodiff)", measured: lin.measured.toExponential(4), predicted: \`c^L = \${lin.predicted.toExponential(4)}\` },
  ], { caption: "Backpropagated gain through L layers: measured against predicted" }));
  for (const o of [o09, o11]) assert.ok(Math.abs(o.measured / o.predicted - 1) < 1e-9);
  assert.ok(near(o09.measured, 5.2e-3, 0.05e-3) && near(o11.measured, 117.4, 0.05));
  assert.ok(Math.abs(sg.measured / sg.predicted - 1) < 1e-4, \`autodiff \${sg.measured} vs chain rule \${sg.predicted}\`);
  assert.ok(near(sg.measured, 3.2e-16, 0.05e-16) && sg.measured < sg.bound && near(sg.bound, 3.6e-15, 0.05e-15));
  assert.ok(Math.abs(lin.measured / lin.predicted - 1) < 1e-6 && near(lin.measured, 1.7e7, 0.05e7));
}`, 'opt-jacobian-product', 1],
  ],
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
