/**
 * ultralytics' LR factor per epoch (LambdaLR) and its warmup (trainer._do_train), as pure functions.
 */
export type LrShape = 'linear' | 'cosine';

/** lf(epoch): linear (1 - e/E)(1 - lrf) + lrf, or one_cycle ((1 - cos(e*pi/E))/2)(lrf - 1) + 1. */
export function lrFactor(epoch: number, epochs: number, lrf: number, shape: LrShape): number {
  if (shape === 'cosine') return ((1 - Math.cos((epoch * Math.PI) / epochs)) / 2) * (lrf - 1) + 1;
  return (1 - epoch / epochs) * (1.0 - lrf) + lrf;
}

/** Number of warmup iterations: max(round(warmup_epochs * nb), 100), or -1 without warmup. */
export function warmupIterations(warmupEpochs: number, batchesPerEpoch: number): number {
  return warmupEpochs > 0 ? Math.max(Math.round(warmupEpochs * batchesPerEpoch), 100) : -1;
}

/** Python's round() and numpy's .round(): halves go to the even neighbour (2.5 -> 2). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** np.interp for two points. */
function interp(x: number, x0: number, x1: number, y0: number, y1: number): number {
  if (x <= x0) return y0;
  if (x >= x1) return y1;
  return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

export interface StepSettings {
  /** Per group (pg0 = biases, pg1 = decayed weights, pg2 = BN weights). */
  lr: number[];
  momentum: number[];
  /** Micro-batches to accumulate before an optimizer step. */
  accumulate: number;
}

/**
 * Settings at global iteration `ni` of `epoch`. During warmup (ni <= nw) the bias group's lr falls from
 * warmupBiasLr and the others rise from 0 to initialLr*lf(epoch); momentum rises from warmupMomentum;
 * accumulate rises from 1 to nbs/batch. After warmup the epoch's lr is initialLr*lf(epoch).
 */
export function stepSettings(a: {
  ni: number;
  nw: number;
  epoch: number;
  epochs: number;
  lrf: number;
  shape: LrShape;
  initialLr: number[];
  momentum: number;
  warmupMomentum: number;
  warmupBiasLr: number;
  batch: number;
  nbs: number;
  /** Whether the optimizer has a momentum parameter group key (SGD); Adam's betas are not warmed. */
  hasMomentum: boolean;
}): StepSettings {
  const lf = lrFactor(a.epoch, a.epochs, a.lrf, a.shape);
  const base = a.initialLr.map((l) => l * lf);
  const full = Math.max(roundHalfEven(a.nbs / a.batch), 1);
  if (a.ni <= a.nw) {
    const accumulate = Math.max(1, roundHalfEven(interp(a.ni, 0, a.nw, 1, a.nbs / a.batch)));
    return {
      lr: base.map((l, j) => interp(a.ni, 0, a.nw, j === 0 ? a.warmupBiasLr : 0, l)),
      momentum: base.map(() => (a.hasMomentum ? interp(a.ni, 0, a.nw, a.warmupMomentum, a.momentum) : a.momentum)),
      accumulate,
    };
  }
  return { lr: base, momentum: base.map(() => a.momentum), accumulate: full };
}
