import * as tf from '@tensorflow/tfjs-core';
import { trainKernels } from '../backend/train-kernels';
import { ParamGroup } from './param-groups';

/**
 * The optimizers ultralytics offers, with PyTorch's update rules (so runs compare with ultralytics):
 * - SGD: nesterov, dampening 0, L2 decay added to the gradient.
 * - Adam: L2 decay added to the gradient; bias-corrected moments.
 * - AdamW: decoupled decay p -= lr*wd*p before the Adam step.
 * Learning rate and momentum live per group so warmup can move them, as torch param_groups do.
 */
export type OptimizerName = 'SGD' | 'Adam' | 'AdamW';

/** Scalars of the optimizer, for checkpoints; the moment tensors travel separately (see `slotTensors`). */
export interface OptimizerState {
  name: OptimizerName;
  step: number;
  groups: { lr: number; momentum: number; initialLr: number; weightDecay: number }[];
}

export interface OptimizerConfig {
  name: OptimizerName;
  lr: number;
  momentum: number; // SGD momentum, or Adam's beta1
  beta2?: number; // 0.999
  eps?: number; // 1e-8
}

/** ultralytics' `optimizer=auto`: AdamW at lr round(0.002*5/(4+nc), 6) under 10k iterations, else SGD 0.01. */
export function resolveAutoOptimizer(nc: number, iterations: number): OptimizerConfig {
  if (iterations > 10000) return { name: 'SGD', lr: 0.01, momentum: 0.9 };
  const lr = Math.round((0.002 * 5 / (4 + nc)) * 1e6) / 1e6;
  return { name: 'AdamW', lr, momentum: 0.9 };
}

export class GroupOptimizer {
  readonly name: OptimizerName;
  readonly groups: ParamGroup[];
  readonly lr: number[];
  readonly momentum: number[];
  readonly initialLr: number[];
  private readonly beta2: number;
  private readonly eps: number;
  private t = 0;
  private readonly slots = new Map<tf.Variable, tf.Variable[]>();

  constructor(groups: ParamGroup[], cfg: OptimizerConfig) {
    this.name = cfg.name;
    this.groups = groups;
    this.lr = groups.map(() => cfg.lr);
    this.initialLr = groups.map(() => cfg.lr);
    this.momentum = groups.map(() => cfg.momentum);
    this.beta2 = cfg.beta2 ?? 0.999;
    this.eps = cfg.eps ?? 1e-8;
  }

  get stepCount(): number {
    return this.t;
  }

  private slotsFor(v: tf.Variable): tf.Variable[] {
    let s = this.slots.get(v);
    if (!s) {
      const n = this.name === 'SGD' ? 1 : 2;
      // tidy disposes the zeros tensor, so each slot owns its array alone (the fused native step
      // updates such arrays in place) and no tensor outlives the optimizer.
      s = Array.from({ length: n }, () => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
      this.slots.set(v, s);
    }
    return s;
  }

  /**
   * Applies one update. `grads` maps variable name to its gradient (missing = no update). Where the
   * engine has a fused step (the native backend, through backend/train-kernels.ts) each parameter takes
   * one fused call (parameter, slots, in place); elsewhere, or with `fused: false`, plain tfjs ops.
   * Both follow the same float32 arithmetic.
   */
  apply(grads: Record<string, tf.Tensor>, opts: { fused?: boolean } = {}): void {
    this.t += 1;
    const t = this.t;
    if (opts.fused !== false && trainKernels().fusedStepAvailable()) {
      this.applyFused(grads, t);
      return;
    }
    for (let gi = 0; gi < this.groups.length; gi++) {
      const g = this.groups[gi];
      const lr = this.lr[gi];
      const mom = this.momentum[gi];
      const wd = g.weightDecay;
      for (let i = 0; i < g.vars.length; i++) {
        const p = g.vars[i];
        const grad = grads[g.names[i]];
        if (!grad) continue;
        const s = this.slotsFor(p);
        tf.tidy(() => {
          if (this.name === 'SGD') {
            const d = wd ? tf.add(grad, tf.mul(p, wd)) : grad;
            const buf = t === 1 ? d : tf.add(tf.mul(s[0], mom), d);
            s[0].assign(buf);
            const upd = tf.add(d, tf.mul(buf, mom)); // nesterov
            p.assign(tf.sub(p, tf.mul(upd, lr)));
          } else {
            let base: tf.Tensor = p;
            let d = grad;
            if (this.name === 'AdamW') {
              if (wd) base = tf.mul(p, 1 - lr * wd);
            } else if (wd) {
              d = tf.add(grad, tf.mul(p, wd));
            }
            const m = tf.add(tf.mul(s[0], mom), tf.mul(d, 1 - mom));
            const v = tf.add(tf.mul(s[1], this.beta2), tf.mul(tf.square(d), 1 - this.beta2));
            s[0].assign(m);
            s[1].assign(v);
            const bc1 = 1 - Math.pow(mom, t);
            const bc2 = 1 - Math.pow(this.beta2, t);
            // PyTorch: p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)
            const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), this.eps);
            p.assign(tf.sub(base, tf.mul(tf.div(m, denom), lr / bc1)));
          }
        });
      }
    }
  }

  private applyFused(grads: Record<string, tf.Tensor>, t: number): void {
    const kernels = trainKernels();
    const b2 = this.beta2;
    for (let gi = 0; gi < this.groups.length; gi++) {
      const g = this.groups[gi];
      const lr = this.lr[gi];
      const mom = this.momentum[gi];
      const wd = g.weightDecay;
      // Every scalar is computed in double exactly as the tfjs path computes the scalars it passes to its ops.
      const hyper = this.name === 'SGD'
        ? [lr, mom, wd, t === 1 ? 1 : 0]
        : [mom, 1 - mom, b2, 1 - b2, this.eps, this.name === 'Adam' ? wd : 0, this.name === 'AdamW' && wd ? 1 - lr * wd : 1,
          Math.sqrt(1 - Math.pow(b2, t)), lr / (1 - Math.pow(mom, t))];
      for (let i = 0; i < g.vars.length; i++) {
        const grad = grads[g.names[i]];
        if (!grad) continue;
        kernels.fusedOptimizerStep(this.name, g.vars[i], this.slotsFor(g.vars[i]), grad, hyper);
      }
    }
  }

  getState(): OptimizerState {
    return {
      name: this.name,
      step: this.t,
      groups: this.groups.map((g, i) => ({ lr: this.lr[i], momentum: this.momentum[i], initialLr: this.initialLr[i], weightDecay: g.weightDecay })),
    };
  }

  setState(st: OptimizerState): void {
    if (st.name !== this.name) throw new Error(`optimizer state is for ${st.name}, this run uses ${this.name}`);
    if (st.groups.length !== this.groups.length) throw new Error(`optimizer state has ${st.groups.length} groups, expected ${this.groups.length}`);
    this.t = st.step;
    st.groups.forEach((g, i) => {
      this.lr[i] = g.lr;
      this.momentum[i] = g.momentum;
      this.initialLr[i] = g.initialLr;
    });
  }

  /** Moment buffers by name: `<param>#0` (SGD momentum or Adam m) and `<param>#1` (Adam v). */
  slotTensors(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const g of this.groups) {
      g.vars.forEach((v, i) => {
        const s = this.slots.get(v);
        if (s) s.forEach((x, k) => out.set(`${g.names[i]}#${k}`, x));
      });
    }
    return out;
  }

  loadSlotTensors(get: (name: string) => Float32Array | undefined): void {
    for (const g of this.groups) {
      g.vars.forEach((v, i) => {
        const s = this.slotsFor(v);
        s.forEach((slot, k) => {
          const data = get(`${g.names[i]}#${k}`);
          if (!data) return;
          if (data.length !== v.size) throw new Error(`optimizer slot ${g.names[i]}#${k} has ${data.length} values, expected ${v.size}`);
          // A copy: tf.tensor may adopt `data`, and the fused step writes slots in place.
          tf.tidy(() => slot.assign(tf.tensor(data.slice(), v.shape)));
        });
      });
    }
  }

  dispose(): void {
    for (const s of this.slots.values()) s.forEach((x) => x.dispose());
    this.slots.clear();
  }
}
