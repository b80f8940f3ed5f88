/** Loss gains and TaskAlignedAssigner constants (ultralytics 8.0.200 defaults). */
export interface LossHyp {
  /** Gain of the CIoU box term. */
  box: number;
  /** Gain of the BCE class term. */
  cls: number;
  /** Gain of the distribution focal loss term. */
  dfl: number;
  /** Anchors kept per ground-truth box by the assigner. */
  topk: number;
  /** Exponent of the class score in the align metric. */
  alpha: number;
  /** Exponent of the CIoU in the align metric. */
  beta: number;
  /** Assigner epsilon (in-box test and metric normalisation). */
  eps: number;
}

export const DEFAULT_LOSS_HYP: Readonly<LossHyp> = Object.freeze({
  box: 7.5,
  cls: 0.5,
  dfl: 1.5,
  topk: 10,
  alpha: 0.5,
  beta: 6.0,
  eps: 1e-9,
});

export function resolveHyp(h: Partial<LossHyp> = {}): LossHyp {
  return { ...DEFAULT_LOSS_HYP, ...h };
}
