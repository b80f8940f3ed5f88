import type { PlotlyFigure } from '../eval/plots';
import { OptimizerConfig, resolveAutoOptimizer } from '../train/optimizer';
import { ResultRow } from '../train/results-csv';
import { LrShape, stepSettings, warmupIterations } from '../train/schedule';

export interface ScheduleInput {
  epochs: number;
  /** Training images and batch size give the batches per epoch. */
  trainImages: number;
  batch: number;
  optimizer: 'auto' | 'SGD' | 'Adam' | 'AdamW';
  lr0: number;
  lrf?: number;
  momentum: number;
  warmupEpochs: number;
  warmupBiasLr?: number;
  warmupMomentum?: number;
  lrShape?: LrShape;
  nbs?: number;
  nc: number;
}

/** The optimizer the trainer will build for these settings (`auto` resolved as ultralytics does). */
export function resolvedOptimizer(s: ScheduleInput): OptimizerConfig {
  if (s.optimizer !== 'auto') return { name: s.optimizer, lr: s.lr0, momentum: s.momentum };
  const iterations = Math.ceil(s.trainImages / Math.max(s.batch, s.nbs ?? 64)) * s.epochs;
  return resolveAutoOptimizer(s.nc, iterations);
}

export interface LrCurve {
  /** Fractional epoch of each iteration. */
  x: number[];
  /** lr of pg0 (biases) and pg1 (weights with decay; BN weights, pg2, follow pg1). */
  bias: number[];
  weights: number[];
  warmupIterations: number;
  batchesPerEpoch: number;
}

/** lr per iteration as the trainer sets it (warmup, then the per-epoch LambdaLR factor). */
export function lrCurve(s: ScheduleInput): LrCurve {
  const nb = Math.max(1, Math.ceil(s.trainImages / s.batch));
  const nw = warmupIterations(s.warmupEpochs, nb);
  const opt = resolvedOptimizer(s);
  const warmupBiasLr = s.optimizer === 'auto' ? 0 : s.warmupBiasLr ?? 0.1;
  const out: LrCurve = { x: [], bias: [], weights: [], warmupIterations: nw, batchesPerEpoch: nb };
  for (let epoch = 0; epoch < s.epochs; epoch++) {
    for (let i = 0; i < nb; i++) {
      const st = stepSettings({
        ni: i + nb * epoch, nw, epoch, epochs: s.epochs, lrf: s.lrf ?? 0.01, shape: s.lrShape ?? 'linear', initialLr: [opt.lr, opt.lr, opt.lr],
        momentum: opt.momentum, warmupMomentum: s.warmupMomentum ?? 0.8, warmupBiasLr, batch: s.batch, nbs: s.nbs ?? 64, hasMomentum: opt.name === 'SGD',
      });
      out.x.push(epoch + i / nb);
      out.bias.push(st.lr[0]);
      out.weights.push(st.lr[1]);
    }
  }
  return out;
}

export function lrScheduleFigure(s: ScheduleInput): PlotlyFigure {
  const c = lrCurve(s);
  const opt = resolvedOptimizer(s);
  const warmEnd = Math.min(c.warmupIterations / c.batchesPerEpoch, s.epochs);
  return {
    data: [
      { type: 'scatter', mode: 'lines', name: 'weights and BN (pg1, pg2)', x: c.x, y: c.weights },
      { type: 'scatter', mode: 'lines', name: 'biases (pg0)', x: c.x, y: c.bias, line: { dash: 'dot' } },
    ],
    layout: {
      title: { text: `${opt.name} learning rate: warmup ${c.warmupIterations} iterations, then linear decay to lr0·lrf` },
      xaxis: { title: { text: 'epoch' } },
      yaxis: { title: { text: 'learning rate' }, exponentformat: 'e' },
      shapes: c.warmupIterations > 0 ? [{ type: 'line', x0: warmEnd, x1: warmEnd, yref: 'paper', y0: 0, y1: 1, line: { dash: 'dash', color: 'gray', width: 1 } }] : [],
    },
  };
}

/** The ten panels of ultralytics' results.png, in its order (train losses and P/R on top, val losses and mAPs below). */
export const RESULT_PANELS: [keyof ResultRow, string][] = [
  ['train/box_loss', 'train/box_loss'],
  ['train/cls_loss', 'train/cls_loss'],
  ['train/dfl_loss', 'train/dfl_loss'],
  ['metrics/precision(B)', 'metrics/precision(B)'],
  ['metrics/recall(B)', 'metrics/recall(B)'],
  ['val/box_loss', 'val/box_loss'],
  ['val/cls_loss', 'val/cls_loss'],
  ['val/dfl_loss', 'val/dfl_loss'],
  ['metrics/mAP50(B)', 'metrics/mAP50(B)'],
  ['metrics/mAP50-95(B)', 'metrics/mAP50-95(B)'],
];

/** Gaussian smoothing as ultralytics draws its dotted "smooth" line (scipy gaussian_filter1d, sigma 3, 'nearest' edges). */
export function gaussianSmooth(y: number[], sigma = 3): number[] {
  if (y.length === 0) return [];
  const r = Math.ceil(4 * sigma);
  const w: number[] = [];
  for (let k = -r; k <= r; k++) w.push(Math.exp((-k * k) / (2 * sigma * sigma)));
  const sw = w.reduce((a, b) => a + b, 0);
  return y.map((_, i) => {
    let s = 0;
    for (let k = -r; k <= r; k++) s += w[k + r] * y[Math.min(y.length - 1, Math.max(0, i + k))];
    return s / sw;
  });
}

/** results.png as one interactive figure: a 2x5 grid, the values per epoch and their smoothed line. */
export function resultsFigure(rows: ResultRow[], title = 'Training and validation results'): PlotlyFigure {
  const x = rows.map((r) => r.epoch);
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: { text: title },
    grid: { rows: 2, columns: 5, pattern: 'independent' },
    height: 560,
    showlegend: true,
    legend: { orientation: 'h', y: -0.12 },
    annotations: [] as object[],
  };
  RESULT_PANELS.forEach(([key, label], i) => {
    const ax = i === 0 ? '' : String(i + 1);
    const y = rows.map((r) => r[key] as number);
    data.push({ type: 'scatter', mode: 'lines+markers', name: 'results', legendgroup: 'results', showlegend: i === 0, x, y, xaxis: `x${ax}`, yaxis: `y${ax}`, marker: { size: 4, color: '#1f77b4' }, line: { color: '#1f77b4' } });
    data.push({ type: 'scatter', mode: 'lines', name: 'smooth', legendgroup: 'smooth', showlegend: i === 0, x, y: gaussianSmooth(y), xaxis: `x${ax}`, yaxis: `y${ax}`, line: { dash: 'dot', color: '#ff7f0e' } });
    (layout.annotations as object[]).push({ text: label, xref: `x${ax} domain`, yref: `y${ax} domain`, x: 0.5, y: 1.12, showarrow: false, font: { size: 11 } });
  });
  return { data, layout };
}
