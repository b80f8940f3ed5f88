import { Command } from 'commander';

export function register(bench: Command): void {
  bench
    .command('data')
    .description('data preparation speed: decode -> EXIF orient -> resize 640 -> encode, images/s on TACO-sized JPEGs')
    .option('--images <n>', 'images', (v) => parseInt(v, 10), 32)
    .option('--json', 'JSON output')
    .action(async (o: { images: number; json?: boolean }) => {
      const { benchDataPipeline } = await import('../../project/data/bench-data');
      const r = await benchDataPipeline({ images: o.images });
      if (o.json) {
        console.log(JSON.stringify(r, null, 2));
        return;
      }
      console.table({
        'sharp (taco-companion)': { 'images/s': +r.imagesPerSecond.toFixed(1), 'orientation ok': r.orientationCorrect },
        'Pillow draft (issue reference)': { 'images/s': r.pillowReferenceImagesPerSecond, 'orientation ok': true },
      });
    });
}
