/**
 * Detection metrics in ultralytics' shape (DetMetrics / Metric, 8.0.200): mean P, R, mAP50, mAP50-95 over the
 * classes that have labels, per-class rows, fitness, and the printed table.
 */

import { ApPerClass } from './ap';
import { formatG, padLeft } from './printf';

export interface ClassRow {
  classIndex: number;
  name: string;
  /** Images that hold at least one label of this class. */
  images: number;
  instances: number;
  p: number;
  r: number;
  map50: number;
  map75: number;
  map: number;
}

export interface DetMetrics {
  /** Images seen (ultralytics' `seen`). */
  images: number;
  instances: number;
  /** Means over the classes with labels, as ultralytics reports "all". */
  p: number;
  r: number;
  map50: number;
  map75: number;
  map: number;
  /** 0.1 * mAP50 + 0.9 * mAP50-95: what ultralytics picks best.pt by. */
  fitness: number;
  /** One row per class that has labels (ultralytics' ap_class_index order). */
  perClass: ClassRow[];
  /** mAP50-95 per class index 0..nc-1; classes without labels get the overall mAP (ultralytics' `maps`). */
  maps: number[];
  /** Label counts per class index 0..nc-1 and images holding each class. */
  instancesPerClass: number[];
  imagesPerClass: number[];
  /** ultralytics' results_dict keys. */
  resultsDict: Record<string, number>;
}

export function summarizeMetrics(
  res: ApPerClass | null, nc: number, names: string[], seen: number, instancesPerClass: number[], imagesPerClass: number[],
): DetMetrics {
  const nIou = res ? res.nIou : 10;
  const k = res ? res.classes.length : 0;
  const mean = (get: (i: number) => number) => {
    if (k === 0) return 0;
    let s = 0;
    for (let i = 0; i < k; i++) s += get(i);
    return s / k;
  };
  const apAt = (i: number, j: number) => res!.ap[i * nIou + j];
  const apMean = (i: number) => { let s = 0; for (let j = 0; j < nIou; j++) s += apAt(i, j); return s / nIou; };
  const p = mean((i) => res!.p[i]);
  const r = mean((i) => res!.r[i]);
  const map50 = mean((i) => apAt(i, 0));
  const map75 = mean((i) => apAt(i, Math.min(5, nIou - 1)));
  const map = mean(apMean);
  const perClass: ClassRow[] = [];
  const maps = new Array<number>(nc).fill(map);
  for (let i = 0; i < k; i++) {
    const c = res!.classes[i];
    perClass.push({
      classIndex: c, name: names[c] ?? String(c), images: imagesPerClass[c] ?? 0, instances: instancesPerClass[c] ?? 0,
      p: res!.p[i], r: res!.r[i], map50: apAt(i, 0), map75: apAt(i, Math.min(5, nIou - 1)), map: apMean(i),
    });
    if (c >= 0 && c < nc) maps[c] = apMean(i);
  }
  const fitness = 0.1 * map50 + 0.9 * map;
  return {
    images: seen, instances: instancesPerClass.reduce((a, b) => a + b, 0), p, r, map50, map75, map, fitness, perClass, maps,
    instancesPerClass, imagesPerClass,
    resultsDict: { 'metrics/precision(B)': p, 'metrics/recall(B)': r, 'metrics/mAP50(B)': map50, 'metrics/mAP50-95(B)': map, fitness },
  };
}

export interface TableOptions {
  /** Per-class rows (ultralytics prints them when validating outside training with nc > 1). Default true. */
  perClass?: boolean;
  /**
   * The per-class Images column: 'per-class' counts images holding the class (ultralytics >= 8.1); 'seen' repeats
   * the total, as 8.0.200 printed it. Default 'per-class'.
   */
  imagesColumn?: 'per-class' | 'seen';
}

/** The table as ultralytics prints it: '%22s' + '%11i' * 2 + '%11.3g' * 4. */
export function formatMetricsTable(m: DetMetrics, opts: TableOptions = {}): string {
  const head = padLeft('Class', 22) + ['Images', 'Instances', 'Box(P', 'R', 'mAP50', 'mAP50-95)'].map((s) => padLeft(s, 11)).join('');
  const row = (name: string, images: number, inst: number, vals: number[]) =>
    padLeft(name, 22) + padLeft(String(images), 11) + padLeft(String(inst), 11) + vals.map((v) => padLeft(formatG(v, 3), 11)).join('');
  const lines = [head, row('all', m.images, m.instances, [m.p, m.r, m.map50, m.map])];
  if (opts.perClass ?? true) {
    for (const c of m.perClass) {
      lines.push(row(c.name, (opts.imagesColumn ?? 'per-class') === 'seen' ? m.images : c.images, c.instances, [c.p, c.r, c.map50, c.map]));
    }
  }
  return lines.join('\n');
}
