import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { ciou, ciou32 } from '../../src/project/loss/ciou';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('CIoU of hand-computed box pairs (scalar float32 and tensor forms agree)', async () => {
  await initBackend({ backend: 'cpu' });
  const v = (4 / Math.PI ** 2) * (Math.atan(0.5) - Math.atan(2)) ** 2;
  const cases: { a: number[]; b: number[]; want: number; why: string }[] = [
    // same aspect, shifted by (1,1): IoU 1/7, rho^2 = 2, c^2 = 18, v = 0
    { a: [0, 0, 2, 2], b: [1, 1, 3, 3], want: 1 / 7 - 2 / 18, why: 'shifted squares' },
    // identical boxes
    { a: [10, 20, 30, 60], b: [10, 20, 30, 60], want: 1, why: 'identical' },
    // transposed aspect: IoU 1/3, rho^2 = 0.5, c^2 = 8, v as above, alpha = v / (v - 1/3 + 1)
    { a: [0, 0, 2, 1], b: [0, 0, 1, 2], want: 1 / 3 - 0.5 / 8 - v * (v / (v + 2 / 3)), why: 'transposed aspect' },
    // disjoint: IoU 0, centres 4 apart on x, enclosing box 5 x 1
    { a: [0, 0, 1, 1], b: [4, 0, 5, 1], want: -16 / 26, why: 'disjoint' },
  ];
  const t = ciou(tf.tensor2d(cases.map((c) => c.a)), tf.tensor2d(cases.map((c) => c.b)));
  const got = Array.from(t.dataSync());
  t.dispose();
  cases.forEach((c, i) => {
    const s = ciou32(c.a[0], c.a[1], c.a[2], c.a[3], c.b[0], c.b[1], c.b[2], c.b[3]);
    close(s, c.want, 2e-6, `${c.why} (scalar)`);
    close(got[i], c.want, 2e-6, `${c.why} (tensor)`);
  });
});

test('CIoU gradient treats alpha as a constant and leaks no tensors', async () => {
  await initBackend({ backend: 'cpu' });
  const before = tf.memory().numTensors;
  const target = tf.tensor2d([[0, 0, 1, 2]]);
  const x = tf.tensor2d([[0.2, 0.1, 2.3, 1.2]]); // away from the kinks of min/max
  const g = tf.grad((p: tf.Tensor) => tf.sum(ciou(p as tf.Tensor2D, target)))(x);
  // numerical derivative of IoU - rho2/c2 - alpha0 * v(p), alpha0 frozen at the point
  const h = 1e-3;
  const plain = (p: number[]) => {
    const [x1, y1, x2, y2] = p;
    const inter = Math.max(Math.min(x2, 1) - Math.max(x1, 0), 0) * Math.max(Math.min(y2, 2) - Math.max(y1, 0), 0);
    const iou = inter / ((x2 - x1) * (y2 - y1) + 2 - inter);
    const cw = Math.max(x2, 1) - Math.min(x1, 0);
    const ch = Math.max(y2, 2) - Math.min(y1, 0);
    const rho2 = ((1 - x1 - x2) ** 2 + (2 - y1 - y2) ** 2) / 4;
    const v = (4 / Math.PI ** 2) * (Math.atan(0.5) - Math.atan((x2 - x1) / (y2 - y1))) ** 2;
    return { iou, rho2, c2: cw * cw + ch * ch, v };
  };
  const p0 = [0.2, 0.1, 2.3, 1.2];
  const z0 = plain(p0);
  const alpha0 = z0.v / (z0.v - z0.iou + 1);
  const fz = (p: number[]) => {
    const z = plain(p);
    return z.iou - z.rho2 / z.c2 - alpha0 * z.v;
  };
  const got = g.dataSync();
  for (let k = 0; k < 4; k++) {
    const up = [...p0];
    const dn = [...p0];
    up[k] += h;
    dn[k] -= h;
    close(got[k], (fz(up) - fz(dn)) / (2 * h), 1e-3, `d/dp${k}`);
  }
  tf.dispose([g, x, target]);
  assert.equal(tf.memory().numTensors, before);
});
