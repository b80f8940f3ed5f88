import * as tf from '@tensorflow/tfjs-core';
import { roundHalfEven } from './schedule';

/**
 * ultralytics splits parameters into three groups (trainer.build_optimizer):
 *   pg0 = biases (no decay, and the group that warms up from warmup_bias_lr),
 *   pg1 = weights with decay (conv weights),
 *   pg2 = BatchNorm weights (no decay).
 * The order here is the order of the lr/pg0..pg2 columns in results.csv. ultralytics builds the optimizer
 * with g[2] (biases) first, then g[0] (decayed weights), then g[1] (BN weights), so lr/pg0 is the bias
 * group — we keep that order.
 */
export type GroupKind = 'bias' | 'decay' | 'bn';

export interface ParamGroup {
  kind: GroupKind;
  names: string[];
  vars: tf.Variable[];
  weightDecay: number;
}

/** Classifies an ultralytics state_dict name. BN weights are `*.bn.weight`; biases are `*.bias` (BN or conv). */
export function groupOf(name: string): GroupKind {
  if (name.endsWith('.bias')) return 'bias';
  if (/\.bn\.weight$/.test(name)) return 'bn';
  return 'decay';
}

export function buildParamGroups(named: Map<string, tf.Variable>, weightDecay: number): ParamGroup[] {
  const groups: ParamGroup[] = [
    { kind: 'bias', names: [], vars: [], weightDecay: 0 },
    { kind: 'decay', names: [], vars: [], weightDecay },
    { kind: 'bn', names: [], vars: [], weightDecay: 0 },
  ];
  for (const [name, v] of named) {
    if (!v.trainable) continue;
    const g = groups.find((x) => x.kind === groupOf(name))!;
    g.names.push(name);
    g.vars.push(v);
  }
  return groups;
}

/** weight_decay scaled as ultralytics: wd * batch * accumulate / nbs. */
export function scaledWeightDecay(weightDecay: number, batch: number, nbs = 64): number {
  const accumulate = Math.max(roundHalfEven(nbs / batch), 1);
  return (weightDecay * batch * accumulate) / nbs;
}
