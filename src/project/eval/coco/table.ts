/** Per-category AP table for the CLI: id, name, GT instances (non-crowd), AP@[.50:.95]. */
import { CocoEvalResult } from './cocoeval';
import { CocoGt } from './types';
import { formatFixed3 } from './pyformat';

export function formatPerClassTable(r: CocoEvalResult, gt: CocoGt): string {
  const names = new Map<number, string>();
  for (const c of gt.categories) names.set(c.id, c.name ?? '');
  const imgs = new Set(r.imgIds);
  const count = new Map<number, number>();
  for (const a of gt.annotations) {
    if (a.iscrowd === 1 || a.iscrowd === true || !imgs.has(a.image_id)) continue;
    count.set(a.category_id, (count.get(a.category_id) ?? 0) + 1);
  }
  const rows = r.catIds.map((id) => [String(id), names.get(id) ?? '', String(count.get(id) ?? 0), formatFixed3(r.perCategoryAp[id])]);
  const head = ['id', 'category', 'instances', 'AP@[.50:.95]'];
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j].length)));
  const fmt = (row: string[]): string => row.map((c, j) => (j === 1 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  ');
  const lines = [fmt(head), ...rows.map(fmt)];
  return `${lines.join('\n')}\n(-1.000: no GT for the category; instances exclude crowd regions)`;
}
