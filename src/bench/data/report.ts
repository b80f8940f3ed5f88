/**
 * The printed report of `taco bench data`: a table of medians with their min-max over rounds, and verdict
 * lines that say when Pillow was not measured or the machine was too loaded to trust images/s.
 */
import { BenchDataResult, ContenderResult, Spread } from './types';

const f1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(1));
const fs2 = (s: Spread | undefined, d = 1) => (s ? `${s.median.toFixed(d)} (${s.min.toFixed(d)}-${s.max.toFixed(d)})` : '-');

/** Human-readable report: a table (median and min-max over rounds) and the verdict lines. */
export function formatBenchData(r: BenchDataResult): { table: Record<string, Record<string, string | number | boolean>>; lines: string[] } {
  const row = (c: ContenderResult, ratio?: Spread) => ({
    'images/s median (min-max)': fs2(c.imagesPerSecond),
    'CPU ms/image': f1(c.cpuMsPerImage.median),
    'in parallel': c.parallel,
    'ours / this': ratio ? fs2(ratio, 2) : '-',
    'orientation ok': c.orientationCorrect,
  });
  const table: Record<string, Record<string, string | number | boolean>> = { [r.ours.label]: row(r.ours) };
  if (r.pillow.sequential) table[r.pillow.sequential.label] = row(r.pillow.sequential, r.ratio.vsPillowSequential);
  if (r.pillow.pool) table[r.pillow.pool.label] = row(r.pillow.pool, r.ratio.vsPillowPool);
  const lines = [
    `${r.source} -> ${r.imgsz}x${r.imgsz} JPEG q${r.quality}; ${r.images} images x ${r.rounds} rounds; ${r.cpus} CPUs, load average ${r.loadAverage.before.toFixed(1)} -> ${r.loadAverage.after.toFixed(1)}`,
    `ours: ${r.ours.parallel} images in flight x ${r.ours.vipsThreads} libvips thread(s), ${r.ours.kernel} kernel, JPEG shrink-on-load`,
  ];
  if (!r.pillow.available) lines.push(`Pillow not measured: ${r.pillow.reason}. Ours only.`);
  else {
    const v = r.ratio.vsPillowSequential as Spread;
    lines.push(`Pillow ${r.pillow.version} (${r.pillow.python}): ours is ${v.median.toFixed(2)}x the seed's Pillow (rounds ${v.min.toFixed(2)}-${v.max.toFixed(2)}); goal >= ${r.goal.ratio}x: ${r.goal.met ? 'met' : 'NOT met'}`);
    if (r.ratio.vsPillowPool && r.pillow.pool) lines.push(`vs Pillow on a ${r.pillow.pool.parallel}-process pool: ${r.ratio.vsPillowPool.median.toFixed(2)}x; CPU per image, Pillow / ours: ${(r.ratio.cpuPerImagePillowOverOurs ?? NaN).toFixed(2)}`);
    if (r.loadAverage.before > r.cpus) lines.push(`the machine was loaded (load average above ${r.cpus}): images/s depend on it; CPU ms/image much less`);
  }
  return { table, lines };
}
