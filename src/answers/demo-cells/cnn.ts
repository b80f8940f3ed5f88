import { DemoCell } from '../types';

/**
 * The graded demo cells of the CNN answers (see ./index.ts for the cell format): receptive fields of the
 * homework CNN: analytic (per layer, top-down, exact input support) and measured by TF.js gradients, so the
 * closed form and the network agree.
 */
export const cnnDemoCells: Record<string, DemoCell[]> = {
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
};
