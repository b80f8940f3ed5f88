/**
 * The rounds of `taco bench data` (ours vs Pillow as the seed ran it) and the figures gathered from them; the
 * contenders, the pictures and the report live in the data-*.ts files beside it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { orientAndResize, RESIZE_KERNEL } from '../../project/data/image-process';
import { resizeParams } from '../../project/data/resize-boxes';
import { BenchDataOptions, BenchDataResult, ContenderResult, PillowResult, Timed, spread } from './types';
import { DEFAULT_PYTHON, PILLOW_SCRIPT, findPillow, timePillow } from './pillow';
import { timeOurs } from './ours';
import { orientationOk, writeSourceJpeg } from './source-jpeg';

export type { BenchDataOptions, BenchDataResult, ContenderResult, PillowResult, Spread } from './types';
export { spread } from './types';
export { DEFAULT_PYTHON, findPillow } from './pillow';
export { formatBenchData } from './report';

/**
 * `taco bench data`: TACO-sized JPEGs (default 2448x3264 displayed, stored 3264x2448 + EXIF
 * orientation 6) to imgsz x imgsz JPEGs, through the prepare step's own decode -> orient -> resize ->
 * encode and, side by side on the same files, through Pillow as the seed did it. All files live in a
 * temporary folder that is removed.
 */
export async function benchDataPipeline(opts: BenchDataOptions = {}): Promise<BenchDataResult> {
  const n = Math.max(1, opts.images ?? 32);
  const W = opts.width ?? 2448, H = opts.height ?? 3264;
  const o = opts.orientation ?? 6;
  const imgsz = opts.imgsz ?? 640;
  const quality = opts.quality ?? 90;
  const cpus = os.cpus().length;
  const conc = Math.max(1, opts.concurrency ?? cpus);
  const rounds = Math.max(1, opts.rounds ?? 3);
  const seed = opts.seed ?? 0;
  const python = opts.python ?? process.env.TACO_PYTHON ?? DEFAULT_PYTHON;
  const poolProcs = Math.max(0, opts.pillowProcesses ?? cpus);
  const progress = opts.onProgress ?? (() => {});
  const sharp = (await import('sharp')).default;
  if (opts.vipsThreads !== undefined) sharp.concurrency(opts.vipsThreads);
  const vipsThreads = sharp.concurrency();
  const loadBefore = os.loadavg()[0];

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-bench-data-'));
  try {
    const nVariants = Math.max(1, Math.min(n, opts.variants ?? 4));
    progress(`writing ${nVariants} source JPEG(s) of ${W}x${H}`);
    const sources: string[] = [];
    let src = { bytes: 0, rawW: W, rawH: H };
    for (let v = 0; v < nVariants; v++) {
      const f = path.join(dir, `src_${v}.jpg`);
      src = await writeSourceJpeg(f, W, H, o, seed * 1000 + v);
      sources.push(f);
    }
    // Distinct names per image: libvips caches by file name, and a real dataset never repeats one.
    const files = Array.from({ length: n }, (_, i) => {
      const f = path.join(dir, `${String(i).padStart(6, '0')}.jpg`);
      fs.copyFileSync(sources[i % nVariants], f);
      return f;
    });
    const outDir = (name: string) => { const d = path.join(dir, name); fs.mkdirSync(d, { recursive: true }); return d; };
    const oursOut = outDir('ours'), seqOut = outDir('pillow-seq'), poolOut = outDir('pillow-pool');

    const pil = await findPillow(python);
    const script = path.join(dir, 'pillow_bench.py');
    fs.writeFileSync(script, PILLOW_SCRIPT);

    // Warm-up: libvips initialisation is not per-image cost (Pillow's script warms up the same way).
    await orientAndResize(sources[0], resizeParams(W, H, imgsz, 'stretch'), quality);
    type Name = 'ours' | 'seq' | 'pool';
    const contenders: Name[] = ['ours'];
    if (pil.version) {
      contenders.push('seq');
      if (poolProcs > 1) contenders.push('pool');
    }
    const times: Record<Name, Timed[]> = { ours: [], seq: [], pool: [] };
    for (let r = 0; r < rounds; r++) {
      // Alternate the order so a load change on the machine does not always hit the same contender.
      const order = r % 2 === 0 ? contenders : contenders.slice().reverse();
      for (const c of order) {
        progress(`round ${r + 1}/${rounds}: ${c === 'ours' ? 'sharp (ours)' : c === 'seq' ? 'Pillow, 1 process' : `Pillow, ${poolProcs} processes`}`);
        if (c === 'ours') times.ours.push(await timeOurs(files, oursOut, W, H, imgsz, quality, conc));
        else if (c === 'seq') times.seq.push(await timePillow(python, script, dir, files, seqOut, imgsz, quality, 1));
        else times.pool.push(await timePillow(python, script, dir, files, poolOut, imgsz, quality, poolProcs));
      }
    }

    const summarize = async (label: string, parallel: number, t: Timed[], out: string): Promise<ContenderResult> => ({
      label,
      parallel,
      imagesPerSecond: spread(t.map((x) => n / x.seconds)),
      cpuMsPerImage: spread(t.map((x) => (1000 * x.cpuSeconds) / n)),
      orientationCorrect: await orientationOk(path.join(out, '0.jpg'), imgsz),
      outputBytes: fs.statSync(path.join(out, '0.jpg')).size,
    });
    const ours = { ...(await summarize('sharp (taco-companion)', conc, times.ours, oursOut)), vipsThreads, kernel: RESIZE_KERNEL };
    const pillow: PillowResult = { available: !!pil.version, reason: pil.reason, python, version: pil.version };
    const ratio: BenchDataResult['ratio'] = {};
    const perRound = (t: Timed[]) => spread(t.map((x, i) => x.seconds / times.ours[i].seconds));
    if (pil.version) {
      pillow.sequential = await summarize('Pillow draft, 1 process (the seed)', 1, times.seq, seqOut);
      ratio.vsPillowSequential = perRound(times.seq);
      ratio.cpuPerImagePillowOverOurs = pillow.sequential.cpuMsPerImage.median / ours.cpuMsPerImage.median;
      if (times.pool.length) {
        pillow.pool = await summarize(`Pillow draft, ${poolProcs} processes`, poolProcs, times.pool, poolOut);
        ratio.vsPillowPool = perRound(times.pool);
      }
    }
    const goalRatio = 1.5;
    const refIps = pillow.sequential?.imagesPerSecond.median ?? NaN;
    return {
      images: n,
      rounds,
      source: `${W}x${H} displayed, stored ${src.rawW}x${src.rawH} + EXIF orientation ${o}, ${nVariants} distinct JPEG(s) of ~${(src.bytes / 1e6).toFixed(2)} MB`,
      imgsz,
      quality,
      cpus,
      loadAverage: { before: loadBefore, after: os.loadavg()[0] },
      ours,
      pillow,
      ratio,
      goal: { ratio: goalRatio, versus: 'Pillow draft, 1 process (the seed)', met: ratio.vsPillowSequential ? ratio.vsPillowSequential.median >= goalRatio : undefined },
      concurrency: conc,
      imagesPerSecond: ours.imagesPerSecond.median,
      orientationCorrect: ours.orientationCorrect,
      pillowReferenceImagesPerSecond: refIps,
      speedupVsPillowReference: ours.imagesPerSecond.median / refIps,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
