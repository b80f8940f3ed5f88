import sharp from 'sharp';
import { architectureSvg } from '../model/diagram';
import { resolveYolov8, Scale } from '../model/definition';
import { ModelSummary, summary } from '../model/summary';
import { parseModelName } from '../train/args';

/** ultralytics' model table (index, from, n, params, module, arguments, output shape) for a model name and nc. */
export function modelSummary(model: string, nc: number, imgsz: number): ModelSummary {
  return summary(resolveYolov8(parseModelName(model) as Scale, nc), imgsz);
}

export function summaryRows(s: ModelSummary): Record<string, string | number>[] {
  const short = (m: string) => m.split('.').pop() ?? m;
  const shape = (o: number[] | number[][]) => (Array.isArray(o[0]) ? (o as number[][]).map((x) => x.join('x')).join(', ') : (o as number[]).join('x'));
  return s.rows.map((r) => ({
    '#': r.index,
    from: Array.isArray(r.from) ? r.from.join(', ') : r.from,
    n: r.repeats,
    params: r.params,
    module: short(r.module),
    arguments: JSON.stringify(r.args),
    'output (H x W x C)': shape(r.outShape),
    GFLOPs: Number(r.gflops.toFixed(3)),
  }));
}

export function summaryCaption(s: ModelSummary): string {
  return `YOLOv8${s.scale} (nc=${s.nc}): ${s.rows.length} layers, ${s.params.toLocaleString('en-US')} parameters, ${s.gradients.toLocaleString('en-US')} gradients, ${s.gflops.toFixed(1)} GFLOPs at ${s.imgsz[0]}x${s.imgsz[1]}`;
}

/** The architecture diagram generated from the model definition, rasterized to PNG (displays the same in every client). */
export async function architecturePng(model: string, nc: number, imgsz: number): Promise<Buffer> {
  const svg = architectureSvg(resolveYolov8(parseModelName(model) as Scale, nc), { imgsz });
  return sharp(Buffer.from(svg)).png().toBuffer();
}
