/**
 * The YOLOv8 architecture as data: a transcription of ultralytics' `yolov8.yaml` (8.0.200) and the
 * channel/depth rules of its `parse_model`. Everything else (parameters, forward, summary, diagram,
 * weight names) is derived from the resolved layer list here, so they cannot disagree.
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

/** ultralytics make_divisible(x, 8). */
export function makeDivisible(x: number, divisor = 8): number {
  return Math.ceil(x / divisor) * divisor;
}

/** Python's round() (banker's rounding), which parse_model uses for the depth multiple. */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (Math.abs(d - 0.5) < 1e-12) return f % 2 === 0 ? f : f + 1;
  return Math.round(x);
}

const conv = (name: string, cin: number, cout: number, k: number, stride = 1, bn = true): ConvSpec => ({
  name,
  cin,
  cout,
  k,
  stride,
  pad: Math.floor(k / 2),
  bn,
});

function c2fConvs(p: string, c1: number, c2: number, n: number): { convs: ConvSpec[]; hidden: number } {
  const c = Math.floor(c2 * 0.5);
  const convs = [conv(`${p}.cv1`, c1, 2 * c, 1), conv(`${p}.cv2`, (2 + n) * c, c2, 1)];
  for (let i = 0; i < n; i++) convs.push(conv(`${p}.m.${i}.cv1`, c, c, 3), conv(`${p}.m.${i}.cv2`, c, c, 3));
  return { convs, hidden: c };
}

/** Detect's branch widths: ultralytics c2 = max(16, ch0 // 4, 4*reg_max), c3 = max(ch0, min(nc, 100)). */
export function detectWidths(ch0: number, nc: number): { c2: number; c3: number } {
  return { c2: Math.max(16, Math.floor(ch0 / 4), REG_MAX * 4), c3: Math.max(ch0, Math.min(nc, 100)) };
}

function detectConvs(p: string, ch: number[], nc: number): ConvSpec[] {
  const { c2, c3 } = detectWidths(ch[0], nc);
  const convs: ConvSpec[] = [];
  ch.forEach((x, i) => {
    convs.push(conv(`${p}.cv2.${i}.0`, x, c2, 3), conv(`${p}.cv2.${i}.1`, c2, c2, 3), conv(`${p}.cv2.${i}.2`, c2, 4 * REG_MAX, 1, 1, false));
  });
  ch.forEach((x, i) => {
    convs.push(conv(`${p}.cv3.${i}.0`, x, c3, 3), conv(`${p}.cv3.${i}.1`, c3, c3, 3), conv(`${p}.cv3.${i}.2`, c3, nc, 1, 1, false));
  });
  return convs;
}

/** Resolves yolov8.yaml at a scale and class count into concrete layers (ultralytics parse_model). */
export function resolveYolov8(scale: Scale, nc: number): ModelDef {
  if (!SCALE_MULTIPLES[scale]) throw new Error(`unknown YOLOv8 scale "${scale}" (expected one of ${SCALES.join(', ')})`);
  if (!Number.isInteger(nc) || nc < 1) throw new Error(`nc must be a positive integer, got ${nc}`);
  const [depth, width, maxCh] = SCALE_MULTIPLES[scale];
  const ch: number[] = []; // output channels per layer
  const st: number[] = []; // output stride per layer
  const layers: LayerSpec[] = [];
  YOLOV8_YAML.forEach((r, i) => {
    const from = (Array.isArray(r.from) ? r.from : [r.from]).map((f) => (f < 0 ? i + f : f));
    const cin = from.map((f) => (f < 0 ? 3 : ch[f]));
    const sin = from.map((f) => (f < 0 ? 1 : st[f]));
    const n = r.repeats > 1 ? Math.max(pyRound(r.repeats * depth), 1) : r.repeats;
    const p = `model.${i}`;
    const base = { index: i, from, part: r.part, cin };
    let layer: LayerSpec;
    switch (r.module) {
      case 'Conv': {
        const c2 = makeDivisible(Math.min(r.args[0] as number, maxCh) * width);
        const [k, s] = [r.args[1] as number, r.args[2] as number];
        layer = { ...base, repeats: 1, module: 'Conv', args: [cin[0], c2, k, s], cout: c2, stride: sin[0] * s, convs: [conv(p, cin[0], c2, k, s)] };
        break;
      }
      case 'C2f': {
        const c2 = makeDivisible(Math.min(r.args[0] as number, maxCh) * width);
        const shortcut = r.args[1] === true;
        const { convs, hidden } = c2fConvs(p, cin[0], c2, n);
        const args: LayerSpec['args'] = shortcut ? [cin[0], c2, n, true] : [cin[0], c2, n];
        layer = { ...base, repeats: n, module: 'C2f', args, cout: c2, stride: sin[0], convs, shortcut, hidden };
        break;
      }
      case 'SPPF': {
        const c2 = makeDivisible(Math.min(r.args[0] as number, maxCh) * width);
        const k = r.args[1] as number;
        const c = Math.floor(cin[0] / 2);
        const convs = [conv(`${p}.cv1`, cin[0], c, 1), conv(`${p}.cv2`, c * 4, c2, 1)];
        layer = { ...base, repeats: 1, module: 'SPPF', args: [cin[0], c2, k], cout: c2, stride: sin[0], convs, hidden: c, pool: k };
        break;
      }
      case 'Upsample':
        layer = { ...base, repeats: 1, module: 'Upsample', args: [null, 2, 'nearest'], cout: cin[0], stride: sin[0] / 2, convs: [] };
        break;
      case 'Concat': {
        if (new Set(sin).size !== 1) throw new Error(`layer ${i}: Concat of different strides ${sin.join(', ')}`);
        layer = { ...base, repeats: 1, module: 'Concat', args: [1], cout: cin.reduce((a, b) => a + b, 0), stride: sin[0], convs: [] };
        break;
      }
      case 'Detect': {
        if (sin.join(',') !== STRIDES.join(',')) throw new Error(`Detect inputs have strides ${sin.join(', ')}, expected ${STRIDES.join(', ')}`);
        layer = { ...base, repeats: 1, module: 'Detect', args: [nc, cin], cout: 4 * REG_MAX + nc, stride: STRIDES[0], convs: detectConvs(p, cin, nc) };
        break;
      }
    }
    ch.push(layer.cout);
    st.push(layer.stride);
    layers.push(layer);
  });
  return { scale, nc, layers, strides: STRIDES.slice() };
}

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
