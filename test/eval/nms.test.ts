import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { nonMaxSuppression, MAX_WH, Detections } from '../../src/project/eval/nms';
import { mulberry32 } from '../../src/project/random';

const f = Math.fround;

const rng = mulberry32;

/** Plain reference: list candidates, sort by score (stable), keep a box unless a kept box overlaps it with IoU > thr. */
function referenceNms(pred: Float32Array, nc: number, A: number, o: { conf: number; iou: number; agnostic: boolean; multiLabel: boolean; maxDet: number }): Detections {
  const cands: { box: number[]; s: number; c: number }[] = [];
  for (let a = 0; a < A; a++) {
    const cx = pred[a], cy = pred[A + a], w = pred[2 * A + a], h = pred[3 * A + a];
    const box = [f(cx - f(w / 2)), f(cy - f(h / 2)), f(cx + f(w / 2)), f(cy + f(h / 2))];
    const scores = Array.from({ length: nc }, (_, c) => pred[(4 + c) * A + a]);
    if (o.multiLabel) {
      scores.forEach((s, c) => { if (s > f(o.conf)) cands.push({ box, s, c }); });
    } else {
      let c = 0;
      scores.forEach((s, k) => { if (s > scores[c]) c = k; });
      if (scores[c] > f(o.conf)) cands.push({ box, s: scores[c], c });
    }
  }
  const sorted = cands.map((x, i) => ({ ...x, i, shifted: x.box.map((v) => f(v + (o.agnostic ? 0 : x.c * MAX_WH))) }))
    .sort((p, q) => q.s - p.s || p.i - q.i);
  const iou = (a: number[], b: number[]) => {
    const w = Math.max(0, f(Math.min(a[2], b[2]) - Math.max(a[0], b[0])));
    const h = Math.max(0, f(Math.min(a[3], b[3]) - Math.max(a[1], b[1])));
    const inter = f(w * h);
    const aa = f(f(a[2] - a[0]) * f(a[3] - a[1])), ab = f(f(b[2] - b[0]) * f(b[3] - b[1]));
    return f(inter / f(f(aa + ab) - inter));
  };
  const kept: typeof sorted = [];
  for (const x of sorted) if (!kept.some((k) => iou(k.shifted, x.shifted) > o.iou)) kept.push(x);
  const out = kept.slice(0, o.maxDet);
  return { boxes: Float32Array.from(out.flatMap((x) => x.box)), scores: Float32Array.from(out.map((x) => x.s)), classes: Int32Array.from(out.map((x) => x.c)) };
}

/** Boxes on a coarse integer grid and scores in steps of 0.1: many equal scores and IoUs of exactly 0.5. */
function randomPred(seed: number, B: number, nc: number, A: number, bigBox = false): Float32Array {
  const r = rng(seed);
  const ch = 4 + nc;
  const p = new Float32Array(B * ch * A);
  for (let b = 0; b < B; b++) {
    const o = b * ch * A;
    for (let a = 0; a < A; a++) {
      p[o + a] = 2 * Math.floor(r() * 16);
      p[o + A + a] = 2 * Math.floor(r() * 16);
      p[o + 2 * A + a] = 2 * (1 + Math.floor(r() * 4));
      p[o + 3 * A + a] = 2 * (1 + Math.floor(r() * 4));
      for (let c = 0; c < nc; c++) p[o + (4 + c) * A + a] = Math.floor(r() * 10) / 10;
    }
    if (bigBox) { p[o] = 4000; p[o + 2 * A] = 9000; p[o + 4 * A] = 0.95; }
  }
  return p;
}

function assertSame(got: Detections, want: Detections, msg: string): void {
  assert.deepEqual(Array.from(got.classes), Array.from(want.classes), `${msg}: classes`);
  assert.deepEqual(Array.from(got.scores), Array.from(want.scores), `${msg}: scores`);
  assert.deepEqual(Array.from(got.boxes), Array.from(want.boxes), `${msg}: boxes`);
}

test('NMS equals the reference on random grid boxes with tied scores and IoUs at the threshold', () => {
  const B = 3, nc = 3, A = 300;
  let compared = 0, kept = 0;
  for (const seed of [1, 2, 3]) {
    for (const bigBox of [false, true]) {
      const pred = randomPred(seed, B, nc, A, bigBox);
      for (const iou of [0.5, 0.7, 1 / 3, 0.45]) {
        for (const agnostic of [false, true]) {
          for (const multiLabel of [false, true]) {
            for (const maxDet of [300, 7]) {
              const o = { conf: 0.25, iou, agnostic, multiLabel, maxDet };
              const got = nonMaxSuppression(pred, B, nc, A, o);
              for (let b = 0; b < B; b++) {
                const want = referenceNms(pred.subarray(b * (4 + nc) * A, (b + 1) * (4 + nc) * A), nc, A, o);
                assertSame(got[b], want, `seed ${seed} big ${bigBox} ${JSON.stringify(o)} image ${b}`);
                compared++;
                kept += want.scores.length;
              }
            }
          }
        }
      }
    }
  }
  assert.equal(compared, 3 * 2 * 4 * 2 * 2 * 2 * 3);
  assert.ok(kept > 1000, 'the cases keep a real number of boxes');
});

test('NMS keeps a box whose IoU equals the threshold exactly and suppresses just above it', () => {
  // Two class-0 boxes: [0,0,2,1] (score .9) and [0,0,1,1] (score .8): IoU = 1 / 2 exactly.
  const A = 2, nc = 1;
  const p = new Float32Array((4 + nc) * A);
  p.set([1, 0.5], 0); p.set([0.5, 0.5], A); p.set([2, 1], 2 * A); p.set([1, 1], 3 * A); p.set([0.9, 0.8], 4 * A);
  assert.equal(nonMaxSuppression(p, 1, nc, A, { iou: 0.5 })[0].scores.length, 2, 'IoU == threshold is not suppressed');
  assert.equal(nonMaxSuppression(p, 1, nc, A, { iou: 0.4999 })[0].scores.length, 1, 'IoU > threshold is suppressed');
  const [d] = nonMaxSuppression(p, 1, nc, A, { iou: 0.4999 });
  assert.deepEqual(Array.from(d.boxes), [0, 0, 2, 1]);
  assert.equal(d.scores[0], f(0.9));
});

test('NMS: class-aware keeps overlapping boxes of different classes, agnostic does not; conf is strict', () => {
  const A = 3, nc = 2;
  const p = new Float32Array((4 + nc) * A);
  p.set([10, 10, 10], 0); p.set([10, 10, 10], A); p.set([4, 4, 4], 2 * A); p.set([4, 4, 4], 3 * A);
  p.set([0.9, 0.1, 0.25], 4 * A); // class 0 scores
  p.set([0.2, 0.8, 0.1], 5 * A); // class 1 scores
  const aware = nonMaxSuppression(p, 1, nc, A, { conf: 0.25 })[0];
  assert.deepEqual(Array.from(aware.classes), [0, 1], 'anchor 2 (best 0.25) is not > conf 0.25');
  const agn = nonMaxSuppression(p, 1, nc, A, { conf: 0.25, agnostic: true })[0];
  assert.deepEqual(Array.from(agn.classes), [0]);
  const multi = nonMaxSuppression(p, 1, nc, A, { conf: 0.15, multiLabel: true })[0];
  // Same box everywhere: per class only the best survives (class 0: .9 over .25; class 1: .8 over .2).
  assert.deepEqual(Array.from(multi.scores), [0.9, 0.8].map(f), 'each class suppressed separately');
  assert.deepEqual(Array.from(multi.classes), [0, 1]);
  assert.equal(nonMaxSuppression(p, 1, nc, A, { conf: 0.95 })[0].scores.length, 0);
  assert.throws(() => nonMaxSuppression(p, 2, nc, A), /expected/);
});

test('NMS respects max_nms (keeps the best candidates before suppressing)', () => {
  const A = 5, nc = 1;
  const p = new Float32Array((4 + nc) * A);
  for (let a = 0; a < A; a++) { p[a] = 100 * a; p[A + a] = 0; p[2 * A + a] = 10; p[3 * A + a] = 10; p[4 * A + a] = 0.5 + a / 10; }
  const d = nonMaxSuppression(p, 1, nc, A, { maxNms: 2 })[0];
  assert.deepEqual(Array.from(d.scores), [0.9, 0.8].map(f));
});
