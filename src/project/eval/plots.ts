/**
 * Plotly figure specs ({data, layout}, plain JSON) for the validation curves and the confusion matrix, in the
 * layout of ultralytics' PR_curve / F1_curve / P_curve / R_curve / confusion_matrix plots. Rendering is the
 * notebook display helpers' job.
 */

import { ApPerClass } from './ap';
import { ConfusionMatrix } from './confusion';

export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

const AXIS01 = { range: [0, 1], zeroline: false };

function meanRow(curve: Float64Array, rows: number, n: number): number[] {
  const out = new Array<number>(n).fill(0);
  if (rows === 0) return out;
  for (let r = 0; r < rows; r++) for (let q = 0; q < n; q++) out[q] += curve[r * n + q] / rows;
  return out;
}

function classTraces(res: ApPerClass, curve: Float64Array, names: string[], label: (i: number) => string): Record<string, unknown>[] {
  const n = res.x.length;
  const x = Array.from(res.x);
  return Array.from(res.classes, (c, i) => ({
    type: 'scatter', mode: 'lines', name: label(i), x, y: Array.from(curve.subarray(i * n, (i + 1) * n)),
    line: { width: 1 }, legendgroup: names[c] ?? String(c),
  }));
}

/** Precision-recall curve at IoU 0.5 (ultralytics' PR_curve): one line per class plus the class mean. */
export function prCurveFigure(res: ApPerClass, names: string[]): PlotlyFigure {
  const n = res.x.length, k = res.classes.length;
  const ap50 = (i: number) => res.ap[i * res.nIou];
  let mean = 0;
  for (let i = 0; i < k; i++) mean += ap50(i) / (k || 1);
  const data = classTraces(res, res.prCurve, names, (i) => `${names[res.classes[i]] ?? res.classes[i]} ${ap50(i).toFixed(3)}`);
  data.push({ type: 'scatter', mode: 'lines', name: `all classes ${mean.toFixed(3)} mAP@0.5`, x: Array.from(res.x), y: meanRow(res.prCurve, k, n), line: { width: 3, color: 'blue' } });
  return { data, layout: { title: { text: 'Precision-Recall Curve' }, xaxis: { title: { text: 'Recall' }, ...AXIS01 }, yaxis: { title: { text: 'Precision' }, ...AXIS01 }, legend: { x: 1.02, y: 1 } } };
}

/** F1, precision or recall against confidence (ultralytics' F1_curve, P_curve, R_curve). */
export function metricCurveFigure(res: ApPerClass, names: string[], which: 'f1' | 'p' | 'r'): PlotlyFigure {
  const curve = which === 'f1' ? res.f1Curve : which === 'p' ? res.pCurve : res.rCurve;
  const ylabel = which === 'f1' ? 'F1' : which === 'p' ? 'Precision' : 'Recall';
  const n = res.x.length, k = res.classes.length;
  const mean = meanRow(curve, k, n);
  // ultralytics labels the mean line with its maximum and where it occurs (after the same smoothing as the pick).
  let best = 0;
  for (let q = 1; q < n; q++) if (mean[q] > mean[best]) best = q;
  const data = classTraces(res, curve, names, (i) => names[res.classes[i]] ?? String(res.classes[i]));
  data.push({ type: 'scatter', mode: 'lines', name: `all classes ${mean[best].toFixed(2)} at ${res.x[best].toFixed(3)}`, x: Array.from(res.x), y: mean, line: { width: 3, color: 'blue' } });
  return { data, layout: { title: { text: `${ylabel}-Confidence Curve` }, xaxis: { title: { text: 'Confidence' }, ...AXIS01 }, yaxis: { title: { text: ylabel }, ...AXIS01 }, legend: { x: 1.02, y: 1 } } };
}

/**
 * Confusion matrix heatmap: x = True, y = Predicted, with a 'background' row and column. `normalize` divides each
 * column by its sum, as ultralytics' plot does; cells under 0.005 are left blank as there.
 */
export function confusionFigure(cm: ConfusionMatrix, names: string[], normalize = true): PlotlyFigure {
  const labels = [...Array.from({ length: cm.nc }, (_, i) => names[i] ?? String(i)), 'background'];
  const rows = cm.toRows(normalize);
  const z = rows.map((r) => r.map((v) => (v < 0.005 ? null : v)));
  const text = rows.map((r) => r.map((v) => (v < 0.005 ? '' : normalize ? v.toFixed(2) : String(v))));
  return {
    data: [{ type: 'heatmap', x: labels, y: labels, z, text, texttemplate: '%{text}', colorscale: 'Blues', zmin: 0, hovertemplate: 'true %{x}<br>predicted %{y}<br>%{z}<extra></extra>' }],
    layout: {
      title: { text: normalize ? 'Confusion Matrix Normalized' : 'Confusion Matrix' },
      xaxis: { title: { text: 'True' }, side: 'bottom' },
      yaxis: { title: { text: 'Predicted' }, autorange: 'reversed' },
    },
  };
}
