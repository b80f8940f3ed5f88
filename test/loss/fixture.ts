import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LossTargets } from '../../src/project/loss/targets';

/** One case of ../shared/fixtures/yolo-loss (ultralytics 8.0.200 v8DetectionLoss, float32). */
export interface LossFixture {
  name: string;
  imgsz: [number, number];
  batch_size: number;
  nc: number;
  reg_max: number;
  strides: number[];
  head_outputs: { layout: 'NCHW'; tensors: { stride: number; shape: [number, number, number, number]; data: number[] }[] };
  targets: { batch_idx: number[]; cls: number[]; bboxes: number[][] };
  expected: {
    loss_total: number;
    loss_items: [number, number, number];
    grads: { l2_norm: number; sum: number; abs_sum: number; samples: { index: [number, number, number, number]; value: number }[] }[];
  };
  debug: {
    target_scores_sum: number;
    target_scores_sum_used: number;
    num_fg: number;
    num_fg_weighted: number;
    fg_anchors: [number, number][];
    fg_weights: number[];
  };
}

export function loadFixtures(dir: string): LossFixture[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as LossFixture);
}

/** The head outputs as NHWC tensors (the fixture stores NCHW). */
export function headTensors(fx: LossFixture): tf.Tensor4D[] {
  return fx.head_outputs.tensors.map((t) =>
    tf.tidy(() => tf.transpose(tf.tensor4d(t.data, t.shape, 'float32'), [0, 2, 3, 1]) as tf.Tensor4D),
  );
}

export function fixtureTargets(fx: LossFixture): LossTargets {
  return { batchIdx: fx.targets.batch_idx, cls: fx.targets.cls, bboxes: fx.targets.bboxes };
}

/**
 * Relative error of `got`; for a tiny `want` (|want| < absFloor) an absolute test instead:
 * 0 within absFloor, else a value >= 1 (a failure at any relative tolerance below 1).
 */
export function relErr(got: number, want: number, absFloor = 0): number {
  const d = Math.abs(got - want);
  if (Math.abs(want) < absFloor) return d <= absFloor ? 0 : d / absFloor;
  return d / Math.max(Math.abs(want), 1e-30);
}

/** Largest relative errors of one fixture case on the current backend (throws nothing: the test asserts). */
export interface CaseErrors {
  total: number;
  items: number;
  gradL2: number;
  gradSum: number;
  gradSamples: number;
  fgWeights: number;
  numFgWeighted: [number, number];
  /** Weighted fg anchors as "image:anchor", ours and expected. */
  fgSet: [string[], string[]];
  leaked: number;
}

export function runCase(fx: LossFixture, detectionLoss: typeof import('../../src/project/loss/detection-loss').detectionLoss): CaseErrors {
  const feats = headTensors(fx);
  const before = tf.memory().numTensors;
  let items: [number, number, number] = [0, 0, 0];
  let debug: import('../../src/project/loss/detection-loss').DetectionLossDebug | undefined;
  const vg = tf.valueAndGrads((...xs: tf.Tensor[]) => {
    const r = detectionLoss(xs as tf.Tensor4D[], fixtureTargets(fx), { imgsz: fx.imgsz, nc: fx.nc, debug: true });
    items = r.items;
    debug = r.debug;
    return r.loss;
  })(feats);
  const e = fx.expected;
  const out: CaseErrors = {
    total: relErr(vg.value.dataSync()[0], e.loss_total),
    items: Math.max(...items.map((v, i) => relErr(v, e.loss_items[i], 1e-7))),
    gradL2: 0,
    gradSum: 0,
    gradSamples: 0,
    fgWeights: 0,
    numFgWeighted: [debug!.numFgWeighted, fx.debug.num_fg_weighted],
    fgSet: [[], []],
    leaked: 0,
  };
  vg.grads.forEach((g, i) => {
    const [n, h, w, c] = g.shape;
    const d = g.dataSync();
    let l2 = 0;
    let sum = 0;
    for (let k = 0; k < d.length; k++) {
      l2 += d[k] * d[k];
      sum += d[k];
    }
    const ex = e.grads[i];
    out.gradL2 = Math.max(out.gradL2, relErr(Math.sqrt(l2), ex.l2_norm, 1e-6));
    out.gradSum = Math.max(out.gradSum, relErr(sum, ex.sum, 1e-6));
    for (const s of ex.samples) {
      const [sn, sc, sh, sw] = s.index; // NCHW
      if (sn >= n || sc >= c || sh >= h || sw >= w) throw new Error(`${fx.name}: sample index ${s.index} outside [${n},${c},${h},${w}]`);
      out.gradSamples = Math.max(out.gradSamples, relErr(d[((sn * h + sh) * w + sw) * c + sc], s.value, 1e-6));
    }
  });
  const mine = new Map<string, number>();
  debug!.fgAnchors.forEach(([b, a], k) => {
    if (debug!.fgWeights[k] > 0) mine.set(`${b}:${a}`, debug!.fgWeights[k]);
  });
  const want = new Map<string, number>();
  fx.debug.fg_anchors.forEach(([b, a], k) => {
    if (fx.debug.fg_weights[k] > 0) want.set(`${b}:${a}`, fx.debug.fg_weights[k]);
  });
  out.fgSet = [[...mine.keys()].sort(), [...want.keys()].sort()];
  for (const [k, v] of want) if (mine.has(k)) out.fgWeights = Math.max(out.fgWeights, relErr(mine.get(k)!, v, 1e-7));
  tf.dispose(vg.grads);
  vg.value.dispose();
  out.leaked = tf.memory().numTensors - before;
  tf.dispose(feats);
  return out;
}
