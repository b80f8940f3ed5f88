import { DemoCell } from '../types';

/**
 * The graded demo cells of the Losses and Activation functions answers (see ./index.ts for the cell format):
 * L2 against cross-entropy gradients, and gradient norms by depth for each activation and initialisation
 * (the vanishing-gradient numbers).
 */
export const lossesDemoCells: Record<string, DemoCell[]> = {
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
};
