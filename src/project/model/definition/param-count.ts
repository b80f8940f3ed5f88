/**
 * Parameter shapes and counts in PyTorch's terms (OIHW weights, `model.parameters()` totals), so
 * `taco model` can be checked against the counts ultralytics prints for the same scale.
 */

import type { ConvSpec, LayerSpec, ModelDef } from './layer-spec';
import { REG_MAX } from './yolov8-yaml';

/** Shapes of the trainable parameters of one conv, PyTorch layout (OIHW), with their state_dict names. */
export function convParamShapes(c: ConvSpec): { name: string; shape: number[] }[] {
  const w = { name: c.bn ? `${c.name}.conv.weight` : `${c.name}.weight`, shape: [c.cout, c.cin, c.k, c.k] };
  if (!c.bn) return [w, { name: `${c.name}.bias`, shape: [c.cout] }];
  return [w, { name: `${c.name}.bn.weight`, shape: [c.cout] }, { name: `${c.name}.bn.bias`, shape: [c.cout] }];
}

const numel = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** Trainable parameters of a conv (what PyTorch's `parameters()` counts). */
export function convParamCount(c: ConvSpec): number {
  return convParamShapes(c).reduce((a, p) => a + numel(p.shape), 0);
}

/**
 * Parameter count as ultralytics reports it (`sum(p.numel() for p in model.parameters())`): includes
 * the fixed DFL conv weight (reg_max values, requires_grad=False), which is a Parameter in PyTorch.
 */
export function layerParamCount(l: LayerSpec): number {
  return l.convs.reduce((a, c) => a + convParamCount(c), 0) + (l.module === 'Detect' ? REG_MAX : 0);
}

export function defParamCount(def: ModelDef): number {
  return def.layers.reduce((a, l) => a + layerParamCount(l), 0);
}
