import { DemoCell } from '../types';

/**
 * The graded demo cells of the Optimization answers (see ./index.ts for the cell format): Newton against
 * momentum on a ravine, implicit differentiation against finite differences, and backpropagated gains
 * through chains of layers.
 */
export const optimizationDemoCells: Record<string, DemoCell[]> = {
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
};
