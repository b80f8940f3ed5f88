import * as fs from 'node:fs';

/** ultralytics' results.csv columns (detection), in order. */
export const RESULT_COLUMNS = [
  'train/box_loss',
  'train/cls_loss',
  'train/dfl_loss',
  'metrics/precision(B)',
  'metrics/recall(B)',
  'metrics/mAP50(B)',
  'metrics/mAP50-95(B)',
  'val/box_loss',
  'val/cls_loss',
  'val/dfl_loss',
  'lr/pg0',
  'lr/pg1',
  'lr/pg2',
] as const;

export type ResultRow = { epoch: number } & Record<(typeof RESULT_COLUMNS)[number], number>;

/** printf('%23.5g'): 5 significant digits as C's %g, right-aligned in 23 columns. */
export function formatG5(x: number): string {
  if (!Number.isFinite(x)) return (Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf').padStart(23);
  if (x === 0) return '0'.padStart(23);
  // C's %g: the exponent is taken after rounding to 5 significant digits.
  const e = x.toExponential(4);
  const exp = Number(e.slice(e.indexOf('e') + 1));
  let s: string;
  if (exp < -4 || exp >= 5) {
    const [mant, ex] = e.split('e');
    const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
    const sign = ex.startsWith('-') ? '-' : '+';
    s = `${m}e${sign}${ex.replace(/^[+-]/, '').padStart(2, '0')}`;
  } else {
    s = x.toFixed(4 - exp);
    if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  }
  return s.padStart(23);
}

export function headerLine(): string {
  return ['epoch', ...RESULT_COLUMNS].map((c) => c.padStart(23)).join(',') + '\n';
}

export function rowLine(r: ResultRow): string {
  return [r.epoch, ...RESULT_COLUMNS.map((c) => r[c])].map(formatG5).join(',') + '\n';
}

/** Appends one row, writing the header first when the file is new. */
export function appendResult(file: string, r: ResultRow): void {
  const text = (fs.existsSync(file) ? '' : headerLine()) + rowLine(r);
  fs.appendFileSync(file, text);
}

/** Reads results.csv back (for plots and for resume). */
export function readResults(file: string): ResultRow[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  if (lines.length === 0) return [];
  const head = lines[0].split(',').map((s) => s.trim());
  return lines.slice(1).map((line, i) => {
    const vals = line.split(',').map((s) => Number(s.trim()));
    if (vals.length !== head.length) throw new Error(`${file}: line ${i + 2} has ${vals.length} values, expected ${head.length}`);
    const row: Record<string, number> = {};
    head.forEach((h, k) => (row[h] = vals[k]));
    return row as ResultRow;
  });
}

/** Cuts results.csv back to the epochs a resumed run keeps (rows with epoch <= lastEpoch). */
export function truncateResults(file: string, lastEpoch: number): void {
  restoreResults(file, lastEpoch);
}

/** One value as formatG5 wrote it ('nan' and 'inf' included); undefined when it is not a number (a torn line). */
function cell(text: string): number | undefined {
  const t = text.trim();
  if (/^nan$/i.test(t)) return NaN;
  if (/^[+-]?inf$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  const v = t === '' ? NaN : Number(t);
  return Number.isNaN(v) ? undefined : v;
}

/**
 * results.csv as a resumed run must find it: the rows of epochs 1..lastEpoch, once each and in order. The
 * trainer appends an epoch's row only once its checkpoint is committed, and the checkpoint carries that row
 * (`lastRow`): a kill between the commit and the append is repaired here. Rows past the checkpoint, repeated
 * epochs and a torn last line (a kill mid-append) are dropped.
 */
export function restoreResults(file: string, lastEpoch: number, lastRow?: ResultRow): void {
  const byEpoch = new Map<number, ResultRow>();
  if (fs.existsSync(file)) {
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
    const head = (lines[0] ?? '').split(',').map((x) => x.trim());
    for (const line of lines.slice(1)) {
      const vals = line.split(',').map(cell);
      if (vals.length !== head.length || vals.some((v) => v === undefined)) continue;
      const row: Record<string, number> = {};
      head.forEach((h, k) => (row[h] = vals[k] as number));
      if (Number.isInteger(row.epoch) && row.epoch >= 1 && row.epoch <= lastEpoch) byEpoch.set(row.epoch, row as ResultRow);
    }
  }
  if (lastRow && lastRow.epoch === lastEpoch) byEpoch.set(lastEpoch, lastRow);
  const rows = [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, rows.length ? headerLine() + rows.map(rowLine).join('') : '');
  if (rows.length) fs.renameSync(tmp, file);
  else {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(file, { force: true });
  }
}
