/**
 * yolov8.yaml resolved at a scale and class count, following ultralytics' `parse_model`
 * (ultralytics/nn/tasks.py) and the module constructors of ultralytics/nn/modules (C2f, SPPF,
 * Detect): the same width/depth rounding, so channel counts and parameter totals match theirs.
 */

import type { ConvSpec, LayerSpec, ModelDef } from './layer-spec';
import { REG_MAX, SCALES, SCALE_MULTIPLES, STRIDES, YOLOV8_YAML } from './yolov8-yaml';
import type { Scale } from './yolov8-yaml';

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
