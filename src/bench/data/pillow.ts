/**
 * The Pillow side of `taco bench data`: the seed's per-image Pillow code (draft decode, exif_transpose,
 * BICUBIC resize, JPEG save), run by the system Python, sequentially as the seed did and on a process pool.
 * Pillow is optional: when it is absent the bench says why and times ours only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { Timed } from './types';

export const DEFAULT_PYTHON = '/usr/bin/python3';

/**
 * What the seed did with Pillow, per image: draft-mode JPEG decoding (DCT scaling to the largest
 * 1/1..1/8 scale still >= imgsz), exif_transpose, resize (BICUBIC, Pillow's default), JPEG save at the
 * same quality with Pillow's defaults (4:2:0, baseline, no optimize). Per-image CPU time comes back so
 * the pool's figure counts its workers too. Warm-up (imports, first decode) is not timed, as for ours.
 */
export const PILLOW_SCRIPT = String.raw`
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

export async function timePillow(python: string, script: string, dir: string, files: string[], outDir: string, imgsz: number, quality: number, processes: number): Promise<Timed> {
  const cfgFile = path.join(dir, `pillow-${processes}.json`);
  const cfg = { imgsz, quality, processes, inputs: files, outputs: files.map((_, i) => path.join(outDir, `${i}.jpg`)), warmup: path.join(outDir, 'warmup.jpg') };
  fs.writeFileSync(cfgFile, JSON.stringify(cfg));
  const r = await run(python, [script, cfgFile]);
  if (!r.ok) throw new Error(`Pillow benchmark failed (${python} ${script}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { seconds: number; cpuSeconds: number };
  return { seconds: j.seconds, cpuSeconds: j.cpuSeconds };
}
