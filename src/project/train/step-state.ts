import type { YoloModel } from '../model/yolo';
import type { ModelEma } from './ema';
import { GroupOptimizer } from './optimizer';
import { buildParamGroups, scaledWeightDecay } from './param-groups';
import type { StepState } from './step';

/**
 * The state `trainStep` carries between steps, and the one benchmarks and tests build for the optimizer
 * `taco train` uses on long runs, so that they time and test the update the trainer really runs (a fused
 * native call per parameter on the native engine), not a stand-in.
 */

/** A fresh state: nothing accumulated, no optimizer step yet. */
export function createStepState(model: YoloModel, optimizer: GroupOptimizer, ema?: ModelEma): StepState {
  const varKey = new Map<string, string>();
  for (const [k, v] of model.namedTensors()) varKey.set(v.name, k);
  return { model, optimizer, ema, accGrads: new Map(), varKey, lastOptStep: -1 };
}

/**
 * ultralytics' SGD as BaseTrainer.build_optimizer makes it past 10k iterations (optimizer=auto): lr 0.01,
 * momentum 0.937, Nesterov, weight decay 5e-4 scaled to the batch, three parameter groups. No EMA: the
 * benchmarks time forward, loss, backward and the update.
 */
export function trainerSgdState(model: YoloModel, batch: number): StepState {
  const groups = buildParamGroups(model.namedTensors(), scaledWeightDecay(5e-4, batch));
  return createStepState(model, new GroupOptimizer(groups, { name: 'SGD', lr: 0.01, momentum: 0.937 }));
}

/** Frees the optimizer's moments, the EMA and any gradients still summed; the model stays. */
export function disposeStepState(state: StepState): void {
  state.accGrads.forEach((g) => g.dispose());
  state.accGrads.clear();
  state.optimizer.dispose();
  state.ema?.dispose();
}
