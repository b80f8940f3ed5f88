import { Command } from 'commander';
import { RANGES, numberOption } from '../parse';

/** The project's progress display (a bar on a terminal, lines in logs), sized once the work's total is known. */
async function progressBar(label: string, unit: string) {
  const { createProgress } = await import('../../notebook/display/progress');
  const bar = createProgress({ total: 0, label, unit });
  return {
    update(done: number, total: number) {
      bar.setTotal(total);
      bar.update(done);
    },
    stop(note?: string) { bar.done(note); },
  };
}

function fail(e: unknown): never {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}

export function register(program: Command): void {
  const data = program.command('data').description('TACO data: prepare a YOLO/COCO dataset, generate TACO-mini, download TACO, statistics');

  data
    .command('prepare')
    .description('flatten + detect-waste split + EXIF auto-orient + resize + seeded train/val split -> YOLO folder (data.yaml) and COCO JSON per split')
    .option('--taco <dir>', 'TACO root or its data/ folder (batch_N/*.jpg); without it the SYNTHETIC TACO-mini is generated inside --out')
    .option('--detect-waste <dir>', 'folder with annotations_train.json and annotations_test.json (default: searched beside --taco)')
    .option('--out <dir>', 'output folder (created; nothing is written outside it)', 'datasets/taco')
    .option('--imgsz <n>', 'square training size', numberOption('imgsz', { integer: true, min: 32, max: 8192 }), 640)
    .option('--letterbox', 'keep the aspect ratio and pad (default: stretch, as the seed\'s Roboflow step)')
    .option('--val <fraction>', 'share of the train part that becomes val', numberOption('val', { min: 0, lt: 1 }), 0.1)
    .option('--seed <n>', 'seed of the train/val split (and of TACO-mini)', numberOption('seed', RANGES.seed), 0)
    .option('--workers <n>', 'images processed concurrently (default: CPU cores)', numberOption('workers', RANGES.workers))
    .option('--quality <n>', 'JPEG quality of the written images', numberOption('quality', { integer: true, min: 1, max: 100 }), 90)
    .option('--mini-size <n>', 'TACO-mini: number of synthetic images', numberOption('mini-size', { integer: true, min: 4, max: 100_000 }))
    .option('--json', 'print the summary as JSON')
    .action(async (o: { taco?: string; detectWaste?: string; out: string; imgsz: number; letterbox?: boolean; val: number; seed: number; workers?: number; quality: number; miniSize?: number; json?: boolean }) => {
      const { prepareDataset, formatSummary } = await import('../../project/data/prepare');
      const bar = await progressBar('images', 'img');
      try {
        const s = await prepareDataset({
          out: o.out, taco: o.taco, detectWaste: o.detectWaste, imgsz: o.imgsz, mode: o.letterbox ? 'letterbox' : 'stretch',
          valFraction: o.val, seed: o.seed, concurrency: o.workers, quality: o.quality, mini: { size: o.miniSize, seed: o.seed },
          onProgress: (p) => bar.update(p.done, p.total),
        });
        bar.stop();
        console.log(o.json ? JSON.stringify(s, null, 2) : formatSummary(s));
      } catch (e) {
        bar.stop('stopped');
        fail(e);
      }
    });

  data
    .command('mini')
    .description('generate the SYNTHETIC TACO-mini in TACO\'s layout (data/batch_N, data/annotations.json, detect-waste/annotations_{train,test}.json)')
    .option('--out <dir>', 'output folder (new or empty)', 'datasets/taco-mini')
    .option('--size <n>', 'number of synthetic images', numberOption('size', { integer: true, min: 4, max: 100_000 }))
    .option('--seed <n>', 'seed: the same seed and size give the same bytes', numberOption('seed', RANGES.seed), 0)
    .action(async (o: { out: string; size?: number; seed: number }) => {
      const { generateTacoMini } = await import('../../project/data/taco-mini');
      try {
        const r = await generateTacoMini({ out: o.out, size: o.size, seed: o.seed });
        console.log(`SYNTHETIC TACO-mini: ${r.images} images, ${r.boxes} boxes in ${r.root}${r.reused ? ' (already there, same seed and size)' : ''}`);
      } catch (e) {
        fail(e);
      }
    });

  data
    .command('download')
    .description('fetch the real TACO images from the URLs in annotations.json (needs the internet; resumable)')
    .option('--out <dir>', 'TACO data folder to fill (batch_N/...)', 'datasets/TACO/data')
    .option('--annotations <file>', 'TACO annotations.json (default: <out>/annotations.json)')
    .option('--concurrency <n>', 'parallel downloads', numberOption('concurrency', { integer: true, min: 1, max: 256 }), 8)
    .option('--retries <n>', 'retries per image (exponential backoff)', numberOption('retries', { integer: true, min: 0, max: 100 }), 3)
    .option('--timeout <s>', 'seconds per request', numberOption('timeout', RANGES.seconds), 60)
    .option('--max-size <MB>', 'largest file to accept, in MB (a larger response is cut off while it streams)', numberOption('max-size', { gt: 0, max: 100_000 }), 50)
    .option('--url-field <name>', 'flickr_url (original, as TACO\'s download.py) or flickr_640_url', 'flickr_url')
    .option('--json', 'print the report as JSON')
    .action(async (o: { out: string; annotations?: string; concurrency: number; retries: number; timeout: number; maxSize: number; urlField: string; json?: boolean }) => {
      const { downloadTaco, defaultAnnotationsFile } = await import('../../project/data/download');
      const bar = await progressBar('download', 'img');
      try {
        if (!['flickr_url', 'flickr_640_url', 'coco_url'].includes(o.urlField)) throw new Error(`--url-field must be flickr_url, flickr_640_url or coco_url`);
        const r = await downloadTaco({
          annotations: o.annotations ?? defaultAnnotationsFile(o.out), out: o.out, concurrency: o.concurrency, retries: o.retries,
          timeoutMs: o.timeout * 1000, maxBytes: o.maxSize * 1e6, urlField: o.urlField as 'flickr_url', onProgress: (p) => bar.update(p.done, p.total),
        });
        bar.stop();
        if (o.json) console.log(JSON.stringify(r, null, 2));
        else {
          console.log(`downloaded ${r.downloaded}, already complete ${r.alreadyComplete}, failed ${r.failed.length} of ${r.total} (${(r.bytes / 1e6).toFixed(1)} MB, ${r.seconds.toFixed(1)} s)`);
          for (const f of r.failed.slice(0, 20)) console.log(`  failed ${f.file}: ${f.error}`);
          if (r.failed.length > 20) console.log(`  ... and ${r.failed.length - 20} more (--json lists all)`);
        }
        if (r.failed.length) process.exitCode = 2;
      } catch (e) {
        bar.stop('stopped');
        fail(e);
      }
    });

  data
    .command('stats')
    .description('per-split class counts, boxes per image, COCO small/medium/large in the original and imgsz frames, image sizes')
    .option('--data <dir>', 'a folder written by `taco data prepare`', 'datasets/taco')
    .option('--strict', 'a missing or unreadable input is an error (default: skipped, counted and listed)')
    .option('--json', 'machine-readable output (with "skipped": [{file, reason}])')
    .action(async (o: { data: string; strict?: boolean; json?: boolean }) => {
      const { preparedStatsReport } = await import('../../project/data/stats');
      try {
        const { splits: st, skipped } = preparedStatsReport(o.data);
        if (o.strict && skipped.length) throw new Error(`${skipped[0].file}: ${skipped[0].reason} (--strict; ${skipped.length} input${skipped.length > 1 ? 's' : ''} in all)`);
        for (const s of skipped) console.error(`warning: skipped ${s.file}: ${s.reason}`);
        if (o.json) return console.log(JSON.stringify({ ...st, skipped }, null, 2));
        for (const [split, s] of Object.entries(st)) {
          console.log(`${split}: ${s.images} images, ${s.boxes} boxes`);
          console.log(`  classes: ${Object.entries(s.classes).map(([k, v]) => `${k} ${v}`).join(', ')}`);
          console.log(`  sizes (original): small ${s.sizes.original.small}, medium ${s.sizes.original.medium}, large ${s.sizes.original.large}`);
          console.log(`  sizes (resized):  small ${s.sizes.resized.small}, medium ${s.sizes.resized.medium}, large ${s.sizes.resized.large}`);
          console.log(`  boxes per image: ${Object.entries(s.boxesPerImage).map(([k, v]) => `${k}:${v}`).join(' ')}`);
        }
      } catch (e) {
        fail(e);
      }
    });
}
