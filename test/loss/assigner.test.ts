import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { makeAnchors } from '../../src/project/model/anchors';
import { assignTargets, type AssignerInput } from '../../src/project/loss/assigner';
import { ciou32 } from '../../src/project/loss/ciou';
import { DEFAULT_LOSS_HYP } from '../../src/project/loss/hyp';
import type { GtBatch } from '../../src/project/loss/targets';

// One 4x4 level at stride 8 (a 32x32 image): anchor centres at 4, 12, 20, 28 px; anchor index = 4*row + col.
const anchors = makeAnchors([[4, 4]], [8]);
const A = 16;
const nc = 2;
const FAR = [100, 100, 101, 101]; // overlaps nothing: CIoU <= 0, metric 0

function input(predBoxes: Record<number, number[]>, gts: { box: number[]; label: number }[], topk = 10, score = 0.25): AssignerInput {
  const scores = new Float32Array(A * nc).fill(score);
  const boxes = new Float32Array(A * 4);
  for (let a = 0; a < A; a++) boxes.set(predBoxes[a] ?? FAR, 4 * a);
  const n = gts.length;
  const gt: GtBatch = {
    batch: 1,
    nMax: n,
    boxes: Float32Array.from(gts.flatMap((g) => g.box)),
    labels: Int32Array.from(gts.map((g) => g.label)),
    valid: new Uint8Array(n).fill(1),
  };
  return { batch: 1, nc, anchors, scores, boxes, gt, hyp: { ...DEFAULT_LOSS_HYP, topk } };
}

const ov = (g: number[], p: number[]) => Math.max(ciou32(g[0], g[1], g[2], g[3], p[0], p[1], p[2], p[3]), 0);

test('anchor grid: cell centres, level-major then row-major', () => {
  const a = makeAnchors([[2, 3], [1, 2]], [8, 16]);
  assert.equal(a.count, 8);
  assert.deepEqual(Array.from(a.points.slice(0, 8)), [0.5, 0.5, 1.5, 0.5, 2.5, 0.5, 0.5, 1.5]);
  assert.deepEqual(Array.from(a.points.slice(12)), [0.5, 0.5, 1.5, 0.5]);
  assert.deepEqual(Array.from(a.stride), [8, 8, 8, 8, 8, 8, 16, 16]);
});

test('assigner: candidates strictly inside the box, top-k by metric, weights normalised by max overlap', () => {
  const gt = [2, 2, 20, 20]; // centres 4 and 12 inside; 20 lies on the edge and is excluded
  const p0 = gt;
  const p1 = [2, 2, 20, 16];
  const p4 = [0, 0, 24, 24];
  const r = assignTargets(input({ 0: p0, 1: p1, 4: p4, 2: gt, 8: gt }, [{ box: gt, label: 1 }], 2));
  // anchors 2 and 8 predict the box perfectly but their centres (20, 4) and (4, 20) are on its edge
  const m = [ov(gt, p0), ov(gt, p1), ov(gt, p4)].map((o) => Math.sqrt(0.25) * o ** 6);
  const best = m[1] > m[2] ? 1 : 4;
  assert.deepEqual(Array.from(r.fgAnchor), [0, best].sort((x, y) => x - y));
  const w0 = r.fgWeight[r.fgAnchor.indexOf(0)];
  const wb = r.fgWeight[r.fgAnchor.indexOf(best)];
  const maxOv = ov(gt, p0);
  assert.ok(Math.abs(w0 - maxOv) < 1e-6, `best anchor weight = max overlap (${w0})`);
  assert.ok(Math.abs(wb - (m[best === 1 ? 1 : 2] * maxOv) / m[0]) < 1e-6, `second anchor weight ${wb}`);
  assert.deepEqual(Array.from(r.fgLabel), [1, 1]);
  assert.deepEqual(Array.from(r.targetBoxes.slice(0, 4)), gt);
  assert.ok(Math.abs(r.targetScoresSum - (w0 + wb)) < 1e-6);
});

test('assigner: the metric uses the score of the gt class', () => {
  const gt = [2, 2, 20, 20];
  const inp = input({ 0: [2, 2, 20, 19], 1: [2, 2, 20, 19] }, [{ box: gt, label: 0 }], 1);
  inp.scores[1 * nc + 0] = 0.9; // anchor 1, class 0: wins despite the equal boxes
  inp.scores[0 * nc + 1] = 0.99; // anchor 0, class 1: not the gt class, ignored
  assert.deepEqual(Array.from(assignTargets(inp).fgAnchor), [1]);
});

test('assigner: an anchor claimed by two gts goes to the one it overlaps most', () => {
  const big = [2, 2, 20, 20];
  const small = [2, 2, 10, 10]; // contains only anchor 0's centre
  const toBig = assignTargets(input({ 0: big, 1: [2, 2, 20, 18] }, [{ box: big, label: 0 }, { box: small, label: 1 }], 2));
  assert.deepEqual(Array.from(toBig.fgAnchor), [0, 1]);
  assert.deepEqual(Array.from(toBig.fgGt), [0, 0], 'anchor 0 stays with the box it predicts');
  const toSmall = assignTargets(input({ 0: small, 1: [2, 2, 20, 18] }, [{ box: big, label: 0 }, { box: small, label: 1 }], 2));
  assert.deepEqual(Array.from(toSmall.fgGt), [1, 0]);
  assert.deepEqual(Array.from(toSmall.fgLabel), [1, 0]);
  // the small box's only anchor carries its full normalised weight: its max overlap
  assert.ok(Math.abs(toSmall.fgWeight[0] - ov(small, small)) < 1e-6);
});

test('assigner: a box containing no anchor centre gets no anchors; fewer positives than k leaves weight-0 anchors', () => {
  const tiny = assignTargets(input({}, [{ box: [5, 5, 7, 7], label: 0 }]));
  assert.equal(tiny.numFg, 0);
  assert.equal(tiny.targetScoresSum, 0);
  const gt = [2, 2, 20, 20];
  const r = assignTargets(input({ 0: gt }, [{ box: gt, label: 0 }]));
  // anchor 0 is the only positive metric; the other candidates (1, 4, 5) fill top-k with metric 0
  assert.deepEqual(Array.from(r.fgAnchor), [0, 1, 4, 5]);
  assert.deepEqual(Array.from(r.fgWeight).map((w) => w > 0), [true, false, false, false]);
});
