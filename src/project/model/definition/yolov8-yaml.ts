/**
 * yolov8.yaml as data: a transcription of ultralytics' `ultralytics/cfg/models/v8/yolov8.yaml`
 * (8.0.200), its per-scale multiples and the Detect head constants. Kept as the yaml's rows, not as
 * resolved layers, so a diff against ultralytics' file stays a line-by-line read.
 */

export type Scale = 'n' | 's' | 'm' | 'l' | 'x';
export const SCALES: Scale[] = ['n', 's', 'm', 'l', 'x'];

/** [depth_multiple, width_multiple, max_channels] from yolov8.yaml. */
export const SCALE_MULTIPLES: Record<Scale, [number, number, number]> = {
  n: [0.33, 0.25, 1024],
  s: [0.33, 0.5, 1024],
  m: [0.67, 0.75, 768],
  l: [1.0, 1.0, 512],
  x: [1.0, 1.25, 512],
};

export type ModuleType = 'Conv' | 'C2f' | 'SPPF' | 'Upsample' | 'Concat' | 'Detect';

/** One yaml row: [from, repeats, module, args]. `args[0]` is the nominal output width where it has one. */
export interface YamlRow {
  from: number | number[];
  repeats: number;
  module: ModuleType;
  args: (number | boolean | string | null)[];
  part: 'backbone' | 'head';
}

const row = (from: number | number[], repeats: number, module: ModuleType, args: YamlRow['args'], part: YamlRow['part']): YamlRow => ({
  from,
  repeats,
  module,
  args,
  part,
});

/** yolov8.yaml; `nc` in Detect's args is filled in at resolve time. */
export const YOLOV8_YAML: YamlRow[] = [
  row(-1, 1, 'Conv', [64, 3, 2], 'backbone'), // 0-P1/2
  row(-1, 1, 'Conv', [128, 3, 2], 'backbone'), // 1-P2/4
  row(-1, 3, 'C2f', [128, true], 'backbone'),
  row(-1, 1, 'Conv', [256, 3, 2], 'backbone'), // 3-P3/8
  row(-1, 6, 'C2f', [256, true], 'backbone'),
  row(-1, 1, 'Conv', [512, 3, 2], 'backbone'), // 5-P4/16
  row(-1, 6, 'C2f', [512, true], 'backbone'),
  row(-1, 1, 'Conv', [1024, 3, 2], 'backbone'), // 7-P5/32
  row(-1, 3, 'C2f', [1024, true], 'backbone'),
  row(-1, 1, 'SPPF', [1024, 5], 'backbone'), // 9
  row(-1, 1, 'Upsample', [null, 2, 'nearest'], 'head'),
  row([-1, 6], 1, 'Concat', [1], 'head'), // cat backbone P4
  row(-1, 3, 'C2f', [512], 'head'), // 12
  row(-1, 1, 'Upsample', [null, 2, 'nearest'], 'head'),
  row([-1, 4], 1, 'Concat', [1], 'head'), // cat backbone P3
  row(-1, 3, 'C2f', [256], 'head'), // 15 (P3/8-small)
  row(-1, 1, 'Conv', [256, 3, 2], 'head'),
  row([-1, 12], 1, 'Concat', [1], 'head'), // cat head P4
  row(-1, 3, 'C2f', [512], 'head'), // 18 (P4/16-medium)
  row(-1, 1, 'Conv', [512, 3, 2], 'head'),
  row([-1, 9], 1, 'Concat', [1], 'head'), // cat head P5
  row(-1, 3, 'C2f', [1024], 'head'), // 21 (P5/32-large)
  row([15, 18, 21], 1, 'Detect', ['nc'], 'head'), // Detect(P3, P4, P5)
];

export const REG_MAX = 16;
export const STRIDES = [8, 16, 32];
