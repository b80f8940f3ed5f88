import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/project/backend/init';
import { ConvBnAct, OpsImpl, ops, referenceOps, setOpsImpl } from '../../src/project/backend/ops';
import { wasmOps } from '../../src/project/backend/wasm/ops';
import { maxRelErr, randomFloats } from './wasm-reference';

/**
 * A small YOLOv8-like network (Conv+BN+SiLU, a C2f with a split and a bottleneck, SPPF max-pools,
 * nearest upsample, concat, a detect-style 1x1 conv with bias) and a loss with gather/softmax/log,
 * trained one step on wasm with the fast ops; its gradients must match the reference ops on the cpu
 * backend to 1e-4 relative.
 */
interface ConvSpec { name: string; k: number; cin: number; cout: number; stride: number; act?: boolean; dilation?: number }

const CONVS: ConvSpec[] = [
  { name: 'stem', k: 3, cin: 3, cout: 8, stride: 2 },
  { name: 'c2f.cv1', k: 1, cin: 8, cout: 16, stride: 1 },
  { name: 'c2f.m.cv1', k: 3, cin: 8, cout: 8, stride: 1 },
  { name: 'c2f.m.cv2', k: 3, cin: 8, cout: 8, stride: 1, dilation: 1 },
  { name: 'c2f.cv2', k: 1, cin: 24, cout: 16, stride: 1 },
  { name: 'down', k: 3, cin: 16, cout: 16, stride: 2 },
  { name: 'sppf.cv1', k: 1, cin: 16, cout: 8, stride: 1 },
  { name: 'sppf.cv2', k: 1, cin: 32, cout: 16, stride: 1, act: false },
];
const NC = 4;

type Params = Record<string, ConvBnAct> & { head: { w: tf.Variable; b: tf.Variable } };

/** tf.variable copies its initial value; the initial tensor is ours to dispose. */
function vari(t: tf.Tensor, trainable: boolean, name: string): tf.Variable {
  const v = tf.variable(t, trainable, name);
  t.dispose();
  return v;
}

function makeParams(seed: number): Params {
  const p: Record<string, unknown> = {};
  CONVS.forEach((c, i) => {
    const fan = c.k * c.k * c.cin;
    const w = randomFloats(fan * c.cout, seed + i).map((v) => v / Math.sqrt(fan));
    p[c.name] = {
      w: vari(tf.tensor4d(w, [c.k, c.k, c.cin, c.cout]), true, `${c.name}.w`),
      gamma: vari(tf.tensor1d(randomFloats(c.cout, seed + 100 + i).map((v) => 1 + 0.3 * v)), true, `${c.name}.gamma`),
      beta: vari(tf.tensor1d(randomFloats(c.cout, seed + 200 + i).map((v) => 0.2 * v)), true, `${c.name}.beta`),
      runningMean: vari(tf.zeros([c.cout]), false, `${c.name}.rm`),
      runningVar: vari(tf.ones([c.cout]), false, `${c.name}.rv`),
      stride: c.stride, pad: Math.floor(c.k / 2) * (c.dilation ?? 1), dilation: c.dilation ?? 1,
      act: c.act ?? true, eps: 1e-3, momentum: 0.03,
    } satisfies ConvBnAct;
  });
  p.head = {
    w: vari(tf.tensor4d(randomFloats(32 * (NC + 2), seed + 300).map((v) => v / Math.sqrt(32)), [1, 1, 32, NC + 2]), true, 'head.w'),
    b: vari(tf.tensor1d(randomFloats(NC + 2, seed + 301)), true, 'head.b'),
  };
  return p as Params;
}

function forward(p: Params, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
  const o = ops();
  const stem = o.convBnAct(x, p.stem, training); // [N, 16, 16, 8]
  const y = o.convBnAct(stem, p['c2f.cv1'], training); // [N, 16, 16, 16]
  const [a, b] = o.splitChannels(y, [8, 8]);
  const b2 = tf.add(b, o.convBnAct(o.convBnAct(b, p['c2f.m.cv1'], training), p['c2f.m.cv2'], training)) as tf.Tensor4D;
  const c2f = o.convBnAct([a, b, b2], p['c2f.cv2'], training); // [N, 16, 16, 16]
  const down = o.convBnAct(c2f, p.down, training); // [N, 8, 8, 16]
  const c = o.convBnAct(down, p['sppf.cv1'], training);
  const p1 = o.maxPoolSame(c, 5);
  const p2 = o.maxPoolSame(p1, 5);
  const p3 = o.maxPoolSame(p2, 5);
  const sppf = o.convBnAct([c, p1, p2, p3], p['sppf.cv2'], training); // [N, 8, 8, 16]
  const up = o.upsample2x(sppf); // [N, 16, 16, 16]
  const cat = o.concatChannels([up, c2f]); // [N, 16, 16, 32]
  return o.conv2dBias(cat, p.head.w as unknown as tf.Tensor4D, p.head.b as unknown as tf.Tensor1D, 1, 0); // [N, 16, 16, NC+2]
}

/** Classification through gather/softmax/log plus a box-like squared term. */
function loss(p: Params, x: tf.Tensor4D, rows: tf.Tensor1D, cls: tf.Tensor1D): tf.Scalar {
  const out = forward(p, x, true);
  const logits = tf.reshape(tf.slice(out, [0, 0, 0, 0], [-1, -1, -1, NC]), [-1, NC]); // [N*16*16, NC]
  const logp = tf.log(tf.softmax(logits));
  const picked = tf.gather(logp, rows); // [K, NC]
  const ce = tf.neg(tf.mean(tf.sum(tf.mul(picked, tf.oneHot(cls, NC)), 1)));
  const box = tf.mean(tf.square(tf.slice(out, [0, 0, 0, NC], [-1, -1, -1, 2])));
  return tf.add(ce, tf.mul(box, 0.1)) as tf.Scalar;
}

/** Nearest 2x upsample by reshape/concat: the same values, differentiated without ResizeNearestNeighborGrad. */
function upsampleByConcat(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const cols = tf.reshape(tf.concat([x, x], 3), [n, h, 2 * w, c]);
    return tf.reshape(tf.concat([cols, cols], 2), [n, 2 * h, 2 * w, c]);
  });
}

interface StepResult { loss: number; lossAfter: number; grads: Record<string, Float32Array>; stats: Record<string, Float32Array>; leaked: number }

async function trainStep(backend: 'wasm' | 'cpu', impl: Partial<OpsImpl>): Promise<StepResult> {
  await initBackend({ backend });
  setOpsImpl(impl);
  const before = tf.memory().numTensors;
  const p = makeParams(7);
  const x = tf.tensor4d(randomFloats(2 * 32 * 32 * 3, 11), [2, 32, 32, 3]);
  const rows = tf.tensor1d([0, 5, 77, 300, 511, 5, 260], 'int32');
  const cls = tf.tensor1d([0, 1, 2, 3, 1, 1, 0], 'int32');
  const vars = Object.values(tf.engine().registeredVariables).filter((v) => v.trainable);
  const { value, grads } = tf.variableGrads(() => loss(p, x, rows, cls), vars);
  const out: StepResult = { loss: value.dataSync()[0], lossAfter: NaN, grads: {}, stats: {}, leaked: 0 };
  for (const [name, g] of Object.entries(grads)) out.grads[name] = g.dataSync() as Float32Array;
  for (const c of CONVS) out.stats[c.name] = Float32Array.from([...p[c.name].runningMean.dataSync(), ...p[c.name].runningVar.dataSync()]);
  // One SGD step on the same batch must lower the loss.
  for (const v of vars) tf.tidy(() => v.assign(tf.sub(v, tf.mul(grads[v.name], 0.05))));
  const after = tf.tidy(() => loss(p, x, rows, cls));
  out.lossAfter = after.dataSync()[0];
  tf.dispose([value, after, x, rows, cls, ...Object.values(grads)]);
  tf.disposeVariables();
  out.leaked = tf.memory().numTensors - before;
  return out;
}

test('a YOLOv8-like block trains one step on wasm with gradients matching the cpu reference', async () => {
  const cpu = await trainStep('cpu', { ...referenceOps, upsample2x: upsampleByConcat });
  const wasm = await trainStep('wasm', wasmOps);
  setOpsImpl(null);
  assert.equal(tf.getBackend(), 'wasm');
  assert.ok(Math.abs(wasm.loss - cpu.loss) <= 1e-5 * Math.abs(cpu.loss), `loss ${wasm.loss} vs ${cpu.loss}`);
  const names = Object.keys(cpu.grads);
  assert.equal(names.length, CONVS.length * 3 + 2);
  assert.deepEqual(Object.keys(wasm.grads).sort(), names.sort());
  for (const name of names) {
    const e = maxRelErr(wasm.grads[name], cpu.grads[name]);
    assert.ok(e < 1e-4, `gradient ${name}: relative error ${e}`);
    assert.ok(cpu.grads[name].some((v) => v !== 0), `gradient ${name} is not all zero`);
  }
  for (const c of CONVS) assert.ok(maxRelErr(wasm.stats[c.name], cpu.stats[c.name]) < 1e-5, `running stats of ${c.name}`);
  assert.ok(wasm.lossAfter < wasm.loss, `SGD step lowers the loss: ${wasm.loss} -> ${wasm.lossAfter}`);
  assert.equal(wasm.leaked, 0, 'no tensor leak on wasm');
  assert.equal(cpu.leaked, 0, 'no tensor leak on cpu');
});

test('wasm ResizeNearestNeighborGrad is right for batch 2 (hand-computed)', async () => {
  await initBackend({ backend: 'wasm' });
  const dy = tf.tensor4d(Array.from({ length: 32 }, (_, i) => i), [2, 4, 4, 1]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(ops().upsample2x(t as tf.Tensor4D), dy)))(tf.zeros([2, 2, 2, 1]));
  // Each input pixel collects its 2x2 block: batch 0 starts 0+1+4+5 = 10, batch 1 starts 16+17+20+21 = 74.
  assert.deepEqual(Array.from(g.dataSync()), [10, 18, 42, 50, 74, 82, 106, 114]);
  tf.dispose([dy, g]);
});
