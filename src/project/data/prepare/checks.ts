/**
 * The refusals of `taco data prepare`: an output folder that is not ours, and a split left with no picture.
 * Both stop the run before it writes what would look like a usable dataset.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../coco';
import { MARKER } from './manifest';
import { YoloSplit } from '../yolo-dataset';

/** Refuse an output folder that holds data we did not write (nothing is lost to a typo in --out). */
export function checkOutFolder(out: string, inputs: string[]): void {
  const abs = path.resolve(out);
  for (const inp of inputs) {
    const a = path.resolve(inp);
    if (abs === a || a.startsWith(abs + path.sep) || abs.startsWith(a + path.sep))
      throw new DataError(`--out ${out} overlaps the input folder ${inp}: choose a separate output folder`);
  }
  if (!fs.existsSync(abs)) return;
  if (!fs.statSync(abs).isDirectory()) throw new DataError(`--out ${out} exists and is not a folder`);
  const entries = fs.readdirSync(abs);
  if (entries.length > 0 && !entries.includes(MARKER))
    throw new DataError(`--out ${out} already holds other data (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}) and was not written by 'taco data prepare': choose an empty or new folder`);
}

/**
 * A split that should have pictures and has none is an error, before data.yaml is written (its presence
 * means "a complete dataset"): every picture missing, or all of a split's unreadable, used to give a dataset
 * with nothing to train on and exit 0. A split left empty on purpose (--val 0, no images listed for it, as in
 * an evaluation-only dataset) is fine; the trainer refuses an empty train split itself.
 */
export function checkSplitsUsable(
  ok: { ysplit: YoloSplit }[], expected: Record<YoloSplit, number>, files: Record<YoloSplit, string>, dataDir: string,
  skipped: Record<string, number>, examples: Record<string, string[]>,
): void {
  for (const s of ['train', 'val', 'test'] as const) {
    if (expected[s] === 0 || ok.some((p) => p.ysplit === s)) continue;
    const counts = Object.entries(skipped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
    const eg = Object.entries(examples).flatMap(([k, v]) => (skipped[k] > 0 ? v.slice(0, 2).map((x) => `${k}: ${x}`) : [])).slice(0, 4);
    throw new DataError(
      `the ${s} split has no usable picture (of the images ${files[s]} lists; skipped: ${counts}${eg.length ? `; e.g. ${eg.join('; ')}` : ''}), ` +
        `looked for in ${dataDir}; no data.yaml written`,
    );
  }
}
