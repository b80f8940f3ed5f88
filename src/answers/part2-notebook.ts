import * as path from 'node:path';
import { Notebook, serializeNotebook, sourceLines, tslabNotebook, writeNotebookAtomic } from '../notebook/runner/nbformat';
import { Answer } from './types';
import { TopicKey, answers, topics } from './index';

/**
 * Builds notebooks/Part2_SummaryQuestions.ipynb from the answers, so the notebook never drifts from
 * src/answers. Each question: a Markdown cell (its text), a cell rendering the answer, then demo
 * cells (run, show, assert) that carry nbgrader-style grading metadata.
 *
 * Write it with: npx tsx -e "require('./src/answers/part2-notebook').writePart2Notebook()"
 */

interface Cell {
  id?: string;
  cell_type: 'markdown' | 'code';
  metadata: Record<string, unknown>;
  source: string[];
  execution_count?: null;
  outputs?: unknown[];
}

const lines = sourceLines;

const markdown = (s: string): Cell => ({ cell_type: 'markdown', metadata: {}, source: lines(s) });

function code(s: string, grade?: { id: string; points: number }): Cell {
  const metadata = grade
    ? { nbgrader: { grade: true, grade_id: grade.id, points: grade.points, locked: true, solution: false, schema_version: 3 } }
    : {};
  return { cell_type: 'code', execution_count: null, metadata, outputs: [], source: lines(s) };
}

/** Demo cells per question id: [source, grade id, points]. Each cell is a block so names never clash. */
const DEMO_CELLS: Record<string, [string, string, number][]> = {
  'cnn.q1': [
    [`{
  // Analytic RF per layer of the homework CNN (activations are identities and are left out).
  const rows = withoutActivations(receptiveFieldTable(HOMEWORK_CNN, 1024), HOMEWORK_CNN);
  show(tableBundle(rows, { caption: "Effective kernel, jump, receptive field and start offset per layer (input 1024)" }));
  assert.deepEqual(rows.map((r) => r.rf), [3, 4, 12, 16, 112]);
  assert.deepEqual(rows.map((r) => r.jump), [1, 2, 4, 8, 8]);
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
  };
  const out = Object.entries(ways).map(([name, net]) => ({ network: name, "RF per layer": receptiveFieldTable(net, 256).map((r) => r.rf).join(", "), "output size (of 256)": receptiveFieldTable(net, 256).at(-1)!.size }));
  show(tableBundle(out));
  assert.equal(receptiveFieldClosedForm(ways["plain conv 3x3"]), 7);
  assert.equal(receptiveFieldClosedForm(ways["stride-2 conv"]), 15);
  assert.equal(receptiveFieldClosedForm(ways["dilation 1, 2, 4"]), 15);
  assert.equal(receptiveFieldTable(ways["dilation 1, 2, 4"], 256).at(-1)!.size, 242); // full resolution kept
}`, 'cnn-rf-growth', 1],
  ],
  'cnn.q3': [
    [`{
  // Exact input support (padding and dilation holes accounted for), along one axis.
  const mid = inputSupport(HOMEWORK_CNN, 1024, 61);
  const corner = inputSupport(HOMEWORK_CNN, 1024, 0);
  show(tableBundle([
    { output: 61, first: mid[0], last: mid[mid.length - 1], pixels: mid.length },
    { output: 0, first: corner[0], last: corner[corner.length - 1], pixels: corner.length },
  ], { caption: "Input rows (= columns) each output pixel depends on" }));
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
  for (const s of [r.two, r.one]) {
    assert.ok(s.zeroFraction.ci[0] <= 0.28 && 0.28 <= s.zeroFraction.ci[1]);
    assert.ok(s.mean.ci[0] <= 1 && 1 <= s.mean.ci[1]);
    assert.ok(relDiff(s.scale, r.expectedScale) < 1e-6); // float32: an ulp apart, never compare exactly
  }
}`, 'dropout-two-vs-one', 2],
  ],
  'dropout.q2': [
    [`{
  const r = dropoutOrderSigmoid(0.3, 1, 1_000_000, 0);
  show(tableBundle([{ "no dropout": r.eval, "dropout after sigmoid": r.after, "dropout before sigmoid": r.before, "ReLU: max |before - after|": r.reluMaxDiff }], { caption: "Mean output for x ~ N(1,1), p = 0.3" }));
  assert.equal(r.reluMaxDiff, 0);
  assert.ok(Math.abs(r.after - r.eval) < 0.003 && r.eval - r.before > 0.02);
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
  assert.ok(Math.abs(b.dbcedz) / Math.abs(b.dl2dz) > 1e4);
  assert.ok(Math.abs(v1.mse - 0.16375) < 1e-12 && Math.abs(v2.mse - 0.12755) < 1e-12 && v1.ce > v2.ce);
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
  assert.ok(runs[0].ratio < 1e-18);
  assert.equal(runs[0].parameters, 22145);
}`, 'losses-vanishing', 2],
  ],
  'losses.q3': [
    [`{
  const t = gradientNormsByDepth({ activation: "tanh", init: "torch" });
  const s = gradientNormsByDepth({ activation: "sigmoid", init: "torch" });
  show(tableBundle([{ "sigmoid first/last": s.ratio.toExponential(2), "tanh first/last": t.ratio.toExponential(2) }], { caption: "Same network and init: tanh helps by ~14 orders of magnitude, yet still vanishes" }));
  assert.ok(t.ratio > 1e6 * s.ratio && t.ratio < 1e-3);
}`, 'losses-tanh', 1],
  ],
  'optimization.q4': [
    [`{
  const r = ravineRace();
  show(tableBundle([
    { method: "Newton", iterations: r.newton },
    { method: \`heavy ball, optimal (lr \${r.momentumOptimal.lr.toFixed(4)}, beta \${r.momentumOptimal.beta.toFixed(4)})\`, iterations: r.momentumOptimal.iterations },
    { method: "heavy ball, lr 0.01, beta 0.9", iterations: r.momentumTypical.iterations },
    { method: \`GD, optimal step \${r.gdOptimal.lr.toFixed(4)}\`, iterations: r.gdOptimal.iterations },
  ], { caption: "Iterations to f <= 1e-10 f0 on f = (x^2 + 100 y^2)/2 from (1,1)" }));
  assert.deepEqual([r.newton, r.momentumOptimal.iterations, r.momentumTypical.iterations, r.gdOptimal.iterations], [1, 83, 179, 576]);
}`, 'opt-newton-ravine', 2],
  ],
  'optimization.q5': [
    [`{
  const d = implicitDiff(2);
  show(tableBundle([{ theta: d.theta, "z* (bisection)": d.zStar, "implicit dz*/dtheta": d.implicit, "finite difference": d.finiteDifference }], { digits: 6 }));
  assert.ok(Math.abs(d.implicit - d.finiteDifference) < 1e-7);
}`, 'opt-implicit', 1],
  ],
  'optimization.q6': [
    [`{
  const rows = [orthogonalChain(0.9, 50), orthogonalChain(1.1, 50)].map((r) => ({ c: r.c, L: r.depth, "measured gain": r.measured.toExponential(4), "c^L": r.predicted.toExponential(4) }));
  const sg = sigmoidChain(1, 24);
  rows.push({ c: 0.25, L: 24, "measured gain": sg.derivative.toExponential(4), "c^L": sg.bound.toExponential(4) });
  show(tableBundle(rows, { caption: "Orthogonal chains scaled by c, and a 24-layer sigmoid chain (w = 1)" }));
  assert.ok(Math.abs(orthogonalChain(1.1, 50).measured - 117.39) < 0.01);
  assert.ok(sg.derivative <= sg.bound);
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
  assert.equal(a.ok, false);
  assert.equal(c.ok, true);
}`, 'backprop-numeric-cost', 1],
  ],
  'backprop.q3': [
    [`{
  const g = gradientCheck({ seed: 0 });
  const r = compareGradients(g);
  const exact = allclose([...g.autoW, ...g.autoB], [...g.exactW, ...g.exactB], 1e-5, 1e-7);
  show(tableBundle([
    { check: "numeric (central) vs tf.grad", rtol: r.rtol, atol: r.atol, "max error": r.maxAbsErr.toExponential(2), ok: r.ok },
    { check: "tf.grad vs closed form", rtol: exact.rtol, atol: exact.atol, "max error": exact.maxAbsErr.toExponential(2), ok: exact.ok },
  ], { caption: \`loss = \${g.loss.toFixed(4)}; dL/db = [\${[...g.autoB].map((v) => v.toFixed(4))}], dL/dW row 0 = [\${[...g.autoW.slice(0, 5)].map((v) => v.toFixed(4))}]\` }));
  assert.ok(r.ok && exact.ok);
  let passed = 0, caught = 0;
  for (let seed = 0; seed < 100; seed++) {
    const h = gradientCheck({ seed });
    if (compareGradients(h).ok) passed++;
    if (!compareGradients(corruptW(h, seed % 25)).ok) caught++;
  }
  console.log(\`100 seeds: \${passed} pass; a 1% error in one W entry caught \${caught} times\`);
  assert.deepEqual([passed, caught], [100, 100]);
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
  assert.equal(r.bytes, 282_240_000);
  assert.equal(tf.memory().numTensors, before); // disposed
}`, 'seq-embedding-shape', 2],
  ],
  'unsupervised.q2': [
    [`{
  const x = 2, s2 = 1, post = posterior(x, s2);
  const rows = [
    { q: "prior N(0,1)", "-ELBO": negElbo(x, s2, 0, 1) },
    { q: "N(1, 0.1)", "-ELBO": negElbo(x, s2, 1, 0.1) },
    { q: \`posterior N(\${post.m}, \${post.v})\`, "-ELBO": negElbo(x, s2, post.m, post.v) },
  ];
  show(tableBundle(rows, { caption: \`-log p(x) = \${negLogEvidence(x, s2).toFixed(4)}: every -ELBO is an upper bound, tight at the posterior\` }));
  for (const r of rows) assert.ok(r["-ELBO"] >= negLogEvidence(x, s2) - 1e-12);
  assert.ok(Math.abs(rows[2]["-ELBO"] - negLogEvidence(x, s2)) < 1e-12);
}`, 'vae-elbo', 1],
  ],
  'unsupervised.q3': [
    [`{
  const rows = [0.5, 0.1, 0.01].map((d) => ({ "D(G(z))": d, ...ganGeneratorGradients(d) }));
  show(tableBundle(rows, { caption: "Generator gradient w.r.t. D's logit: log(1-D) saturates when D wins" }));
  assert.equal(ganGeneratorGradients(0.01).saturating, -0.01);
}`, 'gan-saturation', 1],
  ],
};

const SETUP = `import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { show, tableBundle, plotlyBundle } from "../src/notebook/display";
import type { PlotlyFigure } from "../src/notebook/display";
import { initBackend } from "../src/project/engine/backend";
import { answers } from "../src/answers";
import { renderAnswer } from "../src/answers/render";
import { HOMEWORK_CNN, RfLayer, inputSupport, receptiveFieldClosedForm, receptiveFieldTable, withoutActivations } from "../src/demos/receptive-field";
import { empiricalReceptiveField } from "../src/demos/receptive-field-empirical";
import { dropoutExpectation, relDiff, twoDropoutsVsOne } from "../src/demos/dropout-mc";
import { binaryLosses, vectorLosses } from "../src/demos/l2-vs-ce";
import { gradientDepthFigure, gradientNormsByDepth } from "../src/demos/gradient-depth";
import { ravineRace } from "../src/demos/newton-vs-momentum";
import { orthogonalChain, sigmoidChain } from "../src/demos/jacobian-product";
import { allclose, compareGradients, corruptW, gradientCheck } from "../src/demos/numeric-gradient";
import { embeddingEquivalence, runEmbedding } from "../src/demos/embedding";
import { dropoutOrderSigmoid, ganGeneratorGradients, implicitDiff, negElbo, negLogEvidence, posterior } from "../src/demos/small-proofs";
// The demos are small: the plain JS backend is fast enough and gives the same numbers everywhere.
await initBackend({ backend: "cpu" });`;

const INTRO = `# Part 2: Summary Questions
$\\newcommand{\\mat}[1]{\\boldsymbol{#1}}\\newcommand{\\norm}[1]{\\left\\lVert#1\\right\\rVert}$

Each question is followed by its answer (rendered from \`src/answers\` with KaTeX, as MathML) and, where an answer rests on a number, by demo cells that compute it with the library in \`src/demos\` and assert it. The demo cells carry grading metadata (\`nbgrader.grade_id\`, \`points\`), so \`npx taco grade\` can run and score each check independently.

Run it headless with \`node bin/taco.js nb run notebooks/Part2_SummaryQuestions.ipynb\`.`;

export function buildPart2Notebook(): Notebook {
  const cells: Cell[] = [markdown(INTRO), code(SETUP)];
  for (const key of Object.keys(topics) as TopicKey[]) {
    cells.push(markdown(`### ${topics[key]}`));
    for (const [qk, a] of Object.entries(answers[key]) as [string, Answer][]) {
      cells.push(markdown(`**${a.number}.** ${a.question}`));
      cells.push(code(`show(renderAnswer(answers.${key}.${qk}));`));
      for (const [src, id, points] of DEMO_CELLS[a.id] ?? []) cells.push(code(src, { id, points }));
    }
  }
  // nbformat 4.5 wants a stable id per cell: the grade id for graded cells, the position otherwise.
  cells.forEach((c, i) => {
    const g = (c.metadata.nbgrader as { grade_id?: string } | undefined)?.grade_id;
    c.id = g ?? `p2-${String(i).padStart(3, '0')}`;
  });
  return tslabNotebook(cells.map(({ id, ...rest }) => ({ id, ...rest })));
}

export function part2NotebookJson(): string {
  return serializeNotebook(buildPart2Notebook());
}

/** Writes the notebook (name.tmp, then rename). */
export function writePart2Notebook(file = path.resolve(__dirname, '..', '..', 'notebooks', 'Part2_SummaryQuestions.ipynb')): string {
  writeNotebookAtomic(file, buildPart2Notebook());
  return file;
}
