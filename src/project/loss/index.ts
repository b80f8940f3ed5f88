export { detectionLoss } from './detection-loss';
export type { LossHyp } from './hyp';
export { DEFAULT_LOSS_HYP } from './hyp';
