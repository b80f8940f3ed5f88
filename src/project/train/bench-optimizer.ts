import type * as tf from '@tensorflow/tfjs-core';
import type { YoloModel } from '../model/yolo';
import { GroupOptimizer } from './optimizer';
import { buildParamGroups, scaledWeightDecay } from './param-groups';

/**
 * The optimizer `taco train` uses for long runs (ultralytics' SGD: lr 0.01, momentum 0.937, Nesterov,
 * weight decay 5e-4 scaled to the batch, three parameter groups), as a `trainStep` optimizer: the
 * benchmarks time the update the trainer really runs (a fused native call per parameter on the native
 * engine), not a stand-in.
 */
export function trainerSgd(model: YoloModel, batch: number): { optimizer: (grads: tf.NamedTensorMap) => void; dispose: () => void } {
  const named = model.namedTensors();
  const key = new Map<string, string>();
  for (const [k, v] of named) key.set(v.name, k);
  const opt = new GroupOptimizer(buildParamGroups(named, scaledWeightDecay(5e-4, batch)), { name: 'SGD', lr: 0.01, momentum: 0.937 });
  return {
    optimizer: (grads) => {
      const byKey: tf.NamedTensorMap = {};
      for (const [vn, g] of Object.entries(grads)) {
        const k = key.get(vn);
        if (k === undefined) throw new Error(`optimizer: gradient for unknown variable ${vn}`);
        byKey[k] = g;
      }
      opt.apply(byKey);
    },
    dispose: () => opt.dispose(),
  };
}
