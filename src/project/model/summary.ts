import { ConvSpec, LayerSpec, ModelDef, YOLOV8_YAML, layerParamCount, defParamCount } from './definition';

/**
 * ultralytics-style model table and GFLOPs, computed from the definition alone (no tensors), so it
 * works for every scale without building variables.
 */

export interface SummaryRow {
  index: number;
  from: number | number[]; // as in the yaml (-1 = previous layer)
  repeats: number;
  params: number;
  module: string; // ultralytics' qualified class name
  args: unknown[];
  /** Output shape at the summary's imgsz, NHWC without the batch: [H, W, C] (Detect: one per level). */
  outShape: number[] | number[][];
  gflops: number;
}

export interface ModelSummary {
  scale: string;
  nc: number;
  imgsz: [number, number];
  layers: number; // ultralytics counts modules; here: rows of the table
  params: number;
  /** Trainable parameters (ultralytics "gradients"): params minus the fixed DFL conv. */
  gradients: number;
  gflops: number;
  rows: SummaryRow[];
}

const QUALIFIED: Record<LayerSpec['module'], string> = {
  Conv: 'ultralytics.nn.modules.conv.Conv',
  C2f: 'ultralytics.nn.modules.block.C2f',
  SPPF: 'ultralytics.nn.modules.block.SPPF',
  Upsample: 'torch.nn.modules.upsampling.Upsample',
  Concat: 'ultralytics.nn.modules.conv.Concat',
  Detect: 'ultralytics.nn.modules.head.Detect',
};

const convOut = (n: number, c: ConvSpec): number => Math.floor((n + 2 * c.pad - c.k) / c.stride) + 1;

/**
 * Multiply-accumulates of one conv at an input size, counted as thop does for Conv2d
 * (output elements x (cin*k*k + bias)); BatchNorm, SiLU, pooling and upsampling count nothing here.
 */
export function convMacs(c: ConvSpec, h: number, w: number): number {
  return convOut(h, c) * convOut(w, c) * c.cout * (c.cin * c.k * c.k + (c.bn ? 0 : 1));
}

/** Spatial size of the map each conv of a layer reads, given the layer's input stride(s). */
function layerFlops(l: LayerSpec, inStrides: number[], imgsz: [number, number]): number {
  let macs = 0;
  if (l.module === 'Detect') {
    const perLevel = l.convs.length / (2 * l.from.length);
    l.convs.forEach((c, j) => {
      const level = Math.floor(j / perLevel) % l.from.length;
      macs += convMacs(c, imgsz[0] / inStrides[level], imgsz[1] / inStrides[level]);
    });
  } else {
    for (const c of l.convs) macs += convMacs(c, imgsz[0] / inStrides[0], imgsz[1] / inStrides[0]);
  }
  return (2 * macs) / 1e9;
}

export function summary(def: ModelDef, imgsz: number | [number, number] = 640): ModelSummary {
  const size: [number, number] = typeof imgsz === 'number' ? [imgsz, imgsz] : imgsz;
  if (size[0] % 32 !== 0 || size[1] % 32 !== 0) throw new Error(`imgsz ${size.join('x')} must be a multiple of 32`);
  const strideOf = (f: number): number => (f < 0 ? 1 : def.layers[f].stride);
  const rows: SummaryRow[] = def.layers.map((l) => {
    const inStrides = l.from.map(strideOf);
    const outShape =
      l.module === 'Detect'
        ? def.strides.map((s) => [size[0] / s, size[1] / s, l.cout])
        : [size[0] / l.stride, size[1] / l.stride, l.cout];
    return {
      index: l.index,
      from: YOLOV8_YAML[l.index].from,
      repeats: l.repeats,
      params: layerParamCount(l),
      module: QUALIFIED[l.module],
      args: l.args,
      outShape,
      gflops: layerFlops(l, inStrides, size),
    };
  });
  const params = defParamCount(def);
  return {
    scale: def.scale,
    nc: def.nc,
    imgsz: size,
    layers: rows.length,
    params,
    gradients: params - 16,
    gflops: rows.reduce((a, r) => a + r.gflops, 0),
    rows,
  };
}

const pyRepr = (v: unknown): string =>
  v === null ? 'None' : v === true ? 'True' : v === false ? 'False' : typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.map(pyRepr).join(', ')}]` : String(v);

/** The table as ultralytics prints it, plus a one-line total. */
export function formatSummary(s: ModelSummary): string {
  const head = ['', 'from', 'n', 'params', 'module', 'arguments'];
  const body = s.rows.map((r) => [String(r.index), pyRepr(r.from), String(r.repeats), String(r.params), r.module, pyRepr(r.args)]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 4 || j === 5 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ').trimEnd();
  const total = `YOLOv8${s.scale} summary: ${s.layers} layers, ${s.params.toLocaleString('en-US')} parameters, ${s.gradients.toLocaleString(
    'en-US',
  )} gradients, ${s.gflops.toFixed(1)} GFLOPs at ${s.imgsz[0]}x${s.imgsz[1]} (nc=${s.nc})`;
  return [line(head), ...body.map(line), total].join('\n');
}
