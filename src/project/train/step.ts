import * as tf from '@tensorflow/tfjs-core';
import { detectionLoss } from '../loss/detection-loss';
import type { LossTargets } from '../loss/targets';
import { mulberry32 } from '../model/init';
import type { YoloModel } from '../model/yolo';

/**
 * One timed training step (forward + loss + backward + optimizer) and a seeded synthetic batch:
 * shared by `taco bench train` and the tests that check the model learns.
 */

export interface StepTimes {
  forward: number; // seconds
  loss: number;
  backward: number;
  optimizer: number;
  total: number;
}

export interface StepResult {
  loss: number; // total (x batch, as ultralytics)
  items: [number, number, number]; // box, cls, dfl
  times: StepTimes;
}

const now = (): number => performance.now() / 1000;

/** Waits for pending kernels on asynchronous backends by reading one value (free on cpu/wasm). */
function settle(t: tf.Tensor): void {
  tf.tidy(() => tf.slice(tf.reshape(t, [-1]), [0], [1]).dataSync());
}

/** A tfjs optimizer, or a function applying gradients keyed by variable name (the trainer's GroupOptimizer). */
export type StepOptimizer = tf.Optimizer | ((grads: tf.NamedTensorMap) => void);

/**
 * Runs one step and times its phases. tfjs records the tape during the forward pass, so
 * forward and loss are timed inside `variableGrads` and backward is the rest of that call.
 */
/**
 * 'yolo': the detection loss (assigner, CIoU, DFL, BCE). 'surrogate': the mean of squares of the head
 * maps, which is what native/torch_bench.py trains PyTorch with, for a like-for-like comparison.
 */
export type BenchLoss = 'yolo' | 'surrogate';

export function trainStep(model: YoloModel, optimizer: StepOptimizer, x: tf.Tensor4D, targets: LossTargets, loss: BenchLoss = 'yolo'): StepResult {
  const imgsz: [number, number] = [x.shape[1], x.shape[2]];
  const t0 = now();
  let t1 = t0;
  let t2 = t0;
  let items: [number, number, number] = [0, 0, 0];
  const vars = model.trainableVariables();
  const { value, grads } = tf.variableGrads(() => {
    const feats = model.forward(x, true);
    settle(feats[feats.length - 1]);
    t1 = now();
    if (loss === 'surrogate') {
      const l = tf.addN(feats.map((f) => tf.mean(tf.square(f)))) as tf.Scalar;
      t2 = now();
      return l;
    }
    const r = detectionLoss(feats, targets, { imgsz, nc: model.nc, strides: model.strides });
    items = r.items;
    t2 = now();
    return r.loss;
  }, vars);
  const names = Object.keys(grads);
  settle(grads[names[0]]);
  const t3 = now();
  if (typeof optimizer === 'function') optimizer(grads);
  else optimizer.applyGradients(grads);
  settle(vars[0]);
  const t4 = now();
  const lossValue = value.dataSync()[0];
  tf.dispose(value);
  tf.dispose(Object.values(grads));
  return { loss: lossValue, items, times: { forward: t1 - t0, loss: t2 - t1, backward: t3 - t2, optimizer: t4 - t3, total: t4 - t0 } };
}

/** A seeded batch: smooth random images in 0..1 and `perImage` random boxes per image (normalized cx, cy, w, h). */
export function syntheticBatch(
  batch: number,
  imgsz: number,
  nc: number,
  seed = 0,
  perImage = 4,
): { images: tf.Tensor4D; targets: LossTargets } {
  const rand = mulberry32(seed);
  const targets: LossTargets = { batchIdx: [], cls: [], bboxes: [] };
  const px = new Float32Array(batch * imgsz * imgsz * 3);
  for (let b = 0; b < batch; b++) {
    const base = [rand(), rand(), rand()];
    for (let i = 0; i < imgsz * imgsz; i++) for (let c = 0; c < 3; c++) px[(b * imgsz * imgsz + i) * 3 + c] = base[c] * 0.5;
    for (let k = 0; k < perImage; k++) {
      const w = 0.1 + 0.4 * rand();
      const h = 0.1 + 0.4 * rand();
      const cx = w / 2 + (1 - w) * rand();
      const cy = h / 2 + (1 - h) * rand();
      const cls = Math.floor(rand() * nc);
      targets.batchIdx.push(b);
      targets.cls.push(cls);
      targets.bboxes.push([cx, cy, w, h]);
      // Paint the box in a class-dependent colour so the task is learnable.
      const col = [((cls * 37) % 100) / 100, ((cls * 61) % 100) / 100, ((cls * 83) % 100) / 100];
      const [x0, x1] = [Math.floor((cx - w / 2) * imgsz), Math.floor((cx + w / 2) * imgsz)];
      const [y0, y1] = [Math.floor((cy - h / 2) * imgsz), Math.floor((cy + h / 2) * imgsz)];
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) px[((b * imgsz + y) * imgsz + x) * 3 + c] = col[c];
    }
  }
  return { images: tf.tensor4d(px, [batch, imgsz, imgsz, 3]), targets };
}
