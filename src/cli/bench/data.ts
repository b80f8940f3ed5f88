import { Command } from 'commander';
import { RANGES, numberOption } from '../parse';

/** An integer option from `min` up to a generous bound (the shared parser, src/cli/parse.ts). */
function int(name: string, min: number, max = 100_000) {
  return numberOption(name, { integer: true, min, max });
}

/** `taco bench data`: our prepare pipeline against Pillow (as the seed ran it), side by side. */
export function register(bench: Command): void {
  bench
    .command('data')
    .description('data preparation speed, ours (sharp) vs Pillow draft-mode side by side: decode -> EXIF orient -> resize -> JPEG, images/s on TACO-sized JPEGs')
    .option('--images <n>', 'images per run and contender', int('images', 1), 32)
    .option('--rounds <n>', 'timed rounds (the spread over them is reported)', int('rounds', 1), 3)
    .option('--imgsz <px>', 'output size', int('imgsz', 32, 8192), 640)
    .option('--quality <q>', 'JPEG quality (both)', int('quality', 1, 100), 90)
    .option('--width <px>', 'source width, displayed frame', int('width', 64), 2448)
    .option('--height <px>', 'source height, displayed frame', int('height', 64), 3264)
    .option('--workers <n>', 'our images in flight (default: CPU cores)', int('workers', 1, 1024))
    .option('--vips-threads <n>', "libvips threads per image (default: sharp's choice)", int('vips-threads', 1, 1024))
    .option('--pillow-processes <n>', 'also time Pillow on a pool of n processes (0: skip; default: CPU cores)', int('pillow-processes', 0, 1024))
    .option('--python <path>', 'Python with Pillow (default: $TACO_PYTHON or /usr/bin/python3)')
    .option('--seed <n>', 'seed of the generated photos', numberOption('seed', RANGES.seed), 0)
    .option('--json', 'JSON output (all figures)')
    .action(async (o: { images: number; rounds: number; imgsz: number; quality: number; width: number; height: number; workers?: number; vipsThreads?: number; pillowProcesses?: number; python?: string; seed: number; json?: boolean }) => {
      const { benchDataPipeline, formatBenchData } = await import('../../bench/data');
      const r = await benchDataPipeline({
        images: o.images, rounds: o.rounds, imgsz: o.imgsz, quality: o.quality, width: o.width, height: o.height,
        concurrency: o.workers, vipsThreads: o.vipsThreads, pillowProcesses: o.pillowProcesses, python: o.python, seed: o.seed,
        onProgress: (what) => { if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${what}`); },
      });
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      if (o.json) {
        console.log(JSON.stringify(r, null, 2));
        return;
      }
      const { table, lines } = formatBenchData(r);
      console.table(table);
      for (const l of lines) console.log(l);
    });
}
