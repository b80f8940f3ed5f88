/**
 * The resolved form of yolov8.yaml that the rest of model/ reads: concrete channels, strides and
 * convs named by their ultralytics state_dict prefixes (the names `torch.save` writes), so weight
 * loading, the summary and the diagram match ultralytics without a name table of their own.
 */

import type { ModuleType, Scale } from './yolov8-yaml';

/** A Conv2d (+ BatchNorm + SiLU when `bn`) with its ultralytics state_dict prefix. */
export interface ConvSpec {
  name: string; // e.g. 'model.2.m.0.cv1' (BN form: .conv.weight / .bn.*) or 'model.22.cv2.0.2' (plain: .weight / .bias)
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: number;
  bn: boolean; // true: ultralytics Conv (no conv bias, BN, SiLU); false: nn.Conv2d with bias
}

/** A resolved layer: channels, depth, and its convs in the order ultralytics registers them. */
export interface LayerSpec {
  index: number;
  from: number[]; // absolute layer indices (-1 resolved); layer 0 reads the input (-1)
  repeats: number; // after the depth multiple (C2f: bottlenecks inside the module)
  module: ModuleType;
  /** Constructor args as ultralytics prints them in its model table. */
  args: (number | boolean | string | null | number[])[];
  part: 'backbone' | 'head';
  cin: number[]; // channels of each input
  cout: number; // output channels (Detect: 4*reg_max + nc, per level)
  /** Spatial stride of the output relative to the input image (Detect: per level in `STRIDES`). */
  stride: number;
  convs: ConvSpec[];
  /** C2f: whether the bottlenecks add their input. */
  shortcut?: boolean;
  /** C2f / SPPF hidden width. */
  hidden?: number;
  /** SPPF pool size. */
  pool?: number;
}

export interface ModelDef {
  scale: Scale;
  nc: number;
  layers: LayerSpec[];
  strides: number[];
}
