import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { makeRng } from '../project/random';
import { orientAndResize, probeImage, RESIZE_KERNEL } from '../project/data/image-process';
import { resizeParams } from '../project/data/resize-boxes';
import { mapPool } from '../project/data/pool';
import { inverseOrientation, Orientation, orientPixels } from '../project/data/orientation';

export interface BenchDataOptions {
  /** images timed per run, per contender */
  images?: number;
  /** distinct source JPEGs written (the timed files cycle through them) */
  variants?: number;
  /** displayed (EXIF-rotated) size of the source photos */
  width?: number;
  height?: number;
  orientation?: Orientation;
  imgsz?: number;
  quality?: number;
  /** images in flight in our pipeline (default: CPU cores) */
  concurrency?: number;
  /** libvips threads per image (sharp.concurrency); default: sharp's own choice */
  vipsThreads?: number;
  /** timed rounds; each round runs every contender once, in alternating order */
  rounds?: number;
  seed?: number;
  /** the Python that runs Pillow; default $TACO_PYTHON or /usr/bin/python3 (Debian's, where python3-pil installs) */
  python?: string;
  /** also time Pillow with a process pool of this many workers (0: skip); default: CPU cores */
  pillowProcesses?: number;
  /** called before each timed run */
  onProgress?: (what: string) => void;
}

/** The spread over rounds: the machine is shared, so one number would mislead. */
export interface Spread { median: number; min: number; max: number; values: number[] }

export interface ContenderResult {
  label: string;
  /** images processed at once */
  parallel: number;
  imagesPerSecond: Spread;
  /** CPU time (all threads/processes) per image: much less sensitive to other load than images/s */
  cpuMsPerImage: Spread;
  /** the first output is 640x640 with the marked quadrant top-left, i.e. EXIF orientation was applied */
  orientationCorrect: boolean;
  outputBytes: number;
}

export interface PillowResult {
  available: boolean;
  /** why Pillow was not measured */
  reason?: string;
  python: string;
  version?: string;
  /** the seed's way: one process, one image after another */
  sequential?: ContenderResult;
  /** the same script over a multiprocessing pool: the fairest Pillow on several cores */
  pool?: ContenderResult;
}

export interface BenchDataResult {
  images: number;
  rounds: number;
  source: string;
  imgsz: number;
  quality: number;
  cpus: number;
  /** 1-minute load average before and after: above the core count, the figures are a shared machine's */
  loadAverage: { before: number; after: number };
  ours: ContenderResult & { vipsThreads: number; kernel: string };
  pillow: PillowResult;
  /** ours / Pillow images/s, computed within each round (adjacent runs see similar load) */
  ratio: { vsPillowSequential?: Spread; vsPillowPool?: Spread; cpuPerImagePillowOverOurs?: number };
  goal: { ratio: number; versus: string; met?: boolean };
  // Figures under the names `taco data bench` (src/cli/commands/data.ts) reads.
  concurrency: number;
  imagesPerSecond: number;
  orientationCorrect: boolean;
  pillowReferenceImagesPerSecond: number;
  speedupVsPillowReference: number;
}

export const DEFAULT_PYTHON = '/usr/bin/python3';

/**
 * What the seed did with Pillow, per image: draft-mode JPEG decoding (DCT scaling to the largest
 * 1/1..1/8 scale still >= imgsz), exif_transpose, resize (BICUBIC, Pillow's default), JPEG save at the
 * same quality with Pillow's defaults (4:2:0, baseline, no optimize). Per-image CPU time comes back so
 * the pool's figure counts its workers too. Warm-up (imports, first decode) is not timed, as for ours.
 */
const PILLOW_SCRIPT = String.raw`
import json, sys, time
import PIL
from PIL import Image, ImageOps

def one(job):
    src, dst, size, quality = job
    t = time.process_time()
    with Image.open(src) as img:
        img.draft('RGB', (size, size))
        img = ImageOps.exif_transpose(img)
        img = img.resize((size, size), Image.BICUBIC)
        img.save(dst, 'JPEG', quality=quality, subsampling='4:2:0', optimize=False, progressive=False)
    return time.process_time() - t

def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    size, quality, procs = cfg['imgsz'], cfg['quality'], cfg['processes']
    jobs = [(s, d, size, quality) for s, d in zip(cfg['inputs'], cfg['outputs'])]
    warm = (cfg['inputs'][0], cfg['warmup'], size, quality)
    if procs <= 1:
        one(warm)
        t0 = time.perf_counter()
        cpu = sum(one(j) for j in jobs)
        wall = time.perf_counter() - t0
    else:
        from multiprocessing import Pool
        with Pool(procs) as pool:
            pool.map(one, [warm] * procs, chunksize=1)
            t0 = time.perf_counter()
            cpu = sum(pool.map(one, jobs, chunksize=1))
            wall = time.perf_counter() - t0
    print(json.dumps({'seconds': wall, 'cpuSeconds': cpu, 'version': PIL.__version__}))

if __name__ == '__main__':
    main()
`;

export function spread(values: number[]): Spread {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length;
  const median = m === 0 ? NaN : m % 2 ? s[(m - 1) / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
  return { median, min: s[0] ?? NaN, max: s[m - 1] ?? NaN, values };
}

function run(cmd: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr || (err ? err.message : '')) }));
  });
}

/** Pillow's version under `python`, or why it cannot be used. */
export async function findPillow(python: string): Promise<{ version?: string; reason?: string }> {
  if (!fs.existsSync(python)) return { reason: `${python} not found (Debian: apt-get install -y python3 python3-pil)` };
  const r = await run(python, ['-c', 'import PIL; print(PIL.__version__)']);
  if (!r.ok) return { reason: `${python} has no Pillow (Debian: apt-get install -y python3-pil)` };
  return { version: r.stdout.trim() };
}

/**
 * A photo-like picture in the displayed frame (smooth gradients plus noise compress like a photo),
 * its top-left quadrant marked red, stored as raw pixels + EXIF orientation `o`, as a phone writes it.
 */
async function writeSourceJpeg(file: string, W: number, H: number, o: Orientation, seed: number): Promise<{ bytes: number; rawW: number; rawH: number }> {
  const sharp = (await import('sharp')).default;
  const rng = makeRng(seed);
  const px = new Uint8Array(W * H * 3);
  const phase = Math.floor(rng() * 90);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = (y * W + x) * 3;
    const red = x < W / 2 && y < H / 2;
    px[i] = red ? 220 : 80 + ((x * 7 + phase) % 90) + Math.floor(rng() * 20);
    px[i + 1] = red ? 20 : 90 + ((y * 5 + phase) % 80) + Math.floor(rng() * 20);
    px[i + 2] = red ? 20 : 100 + (((x + y) * 3) % 70) + Math.floor(rng() * 20);
  }
  const raw = orientPixels(px, W, H, 3, inverseOrientation(o));
  const jpg = await sharp(Buffer.from(raw.data.buffer), { raw: { width: raw.width, height: raw.height, channels: 3 } }).jpeg({ quality: 92 }).withMetadata({ orientation: o }).toBuffer();
  fs.writeFileSync(file, jpg);
  return { bytes: jpg.length, rawW: raw.width, rawH: raw.height };
}

/** The output is imgsz x imgsz and only its top-left quadrant is red: orientation was applied. */
async function orientationOk(file: string, imgsz: number): Promise<boolean> {
  const sharp = (await import('sharp')).default;
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== imgsz || info.height !== imgsz) return false;
  const red = (x: number, y: number) => {
    const i = (Math.floor(y) * info.width + Math.floor(x)) * info.channels;
    return data[i] > 180 && data[i + 1] < 70 && data[i + 2] < 70;
  };
  const q = imgsz / 4;
  return red(q, q) && !red(3 * q, q) && !red(q, 3 * q) && !red(3 * q, 3 * q);
}

interface Timed { seconds: number; cpuSeconds: number }

async function timeOurs(files: string[], outDir: string, W: number, H: number, imgsz: number, quality: number, conc: number): Promise<Timed> {
  const params = resizeParams(W, H, imgsz, 'stretch');
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  // What `taco data prepare` does per image: header probe (orientation, frame check), then one decode.
  await mapPool(files, conc, async (f, i) => {
    const probe = await probeImage(f);
    if (probe.width !== W || probe.height !== H) throw new Error(`${f}: bench image probes as ${probe.width}x${probe.height}, expected ${W}x${H}`);
    await fs.promises.writeFile(path.join(outDir, `${i}.jpg`), await orientAndResize(f, params, quality));
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}

async function timePillow(python: string, script: string, dir: string, files: string[], outDir: string, imgsz: number, quality: number, processes: number): Promise<Timed> {
  const cfgFile = path.join(dir, `pillow-${processes}.json`);
  const cfg = { imgsz, quality, processes, inputs: files, outputs: files.map((_, i) => path.join(outDir, `${i}.jpg`)), warmup: path.join(outDir, 'warmup.jpg') };
  fs.writeFileSync(cfgFile, JSON.stringify(cfg));
  const r = await run(python, [script, cfgFile]);
  if (!r.ok) throw new Error(`Pillow benchmark failed (${python} ${script}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { seconds: number; cpuSeconds: number };
  return { seconds: j.seconds, cpuSeconds: j.cpuSeconds };
}

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
