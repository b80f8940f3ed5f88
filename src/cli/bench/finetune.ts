import * as path from 'node:path';
import { Command } from 'commander';
import { RANGES, numberOption } from '../parse';

/** `taco bench finetune`: yolov8n.pt fine-tuned on real litter photos, beside ultralytics' own runs. */
export function register(bench: Command): void {
  bench
    .command('finetune')
    .description("fine-tune ultralytics' yolov8n.pt on 50 real TACO photos (../shared/real), 15 epochs at 416: s/epoch, share outside the step, final mAP beside ultralytics' runs")
    .option('--real <dir>', 'the shared real-material folder', path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'real'))
    .option('--weights <file>', 'initial weights (default: <real>/weights/yolov8n.pt)')
    .option('--seeds <list>', 'comma-separated seeds', '0,1,2')
    .option('--epochs <n>', 'epochs (the reference runs used 15)', numberOption('epochs', RANGES.epochs), 15)
    .option('--imgsz <px>', 'image size', numberOption('imgsz', RANGES.imgsz), 416)
    .option('--batch <n>', 'batch size', numberOption('batch', RANGES.batch), 8)
    .option('--backend <name>', 'backend')
    .option('--json', 'JSON output')
    .action(async (o: { real: string; weights?: string; seeds: string; epochs: number; imgsz: number; batch: number; backend?: string; json?: boolean }) => {
      const seeds = o.seeds.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
      if (!seeds.length || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`--seeds: want non-negative integers separated by commas, got "${o.seeds}"`);
      const { benchFinetune, finetuneSummary } = await import('../../bench/finetune');
      const { createProgress } = await import('../../notebook/display/progress');
      // One bar over every epoch of every seed; the note names the seed, the epoch and its batch.
      const bar = createProgress({ total: seeds.length * o.epochs, label: 'finetune', unit: 'epoch' });
      let run = 0;
      const runs = await benchFinetune({
        real: o.real, weights: o.weights ?? path.join(o.real, 'weights', 'yolov8n.pt'), seeds, epochs: o.epochs, imgsz: o.imgsz, batch: o.batch, backend: o.backend,
        progress: (total, label) => ({
          update: (done) => bar.update(bar.value, `seed ${seeds[Math.min(run, seeds.length - 1)]} ${label.trim()} ${done}/${total}`),
          done: () => {
            if (!/^epoch/.test(label.trim())) return;
            bar.tick(1);
            if (bar.value % o.epochs === 0) run++;
          },
        }),
      });
      bar.done();
      const summary = finetuneSummary(runs);
      if (o.json) {
        console.log(JSON.stringify({ epochs: o.epochs, imgsz: o.imgsz, batch: o.batch, runs, summary }, null, 2));
        return;
      }
      const f = (x: number | undefined, d = 4) => (x === undefined || Number.isNaN(x) ? '-' : +x.toFixed(d));
      console.log(`bench finetune: yolov8n.pt -> trash-filter-taco416 (50 train, 100 val), ${o.epochs} epochs, imgsz ${o.imgsz}, batch ${o.batch}`);
      console.table(runs.map((r) => ({
        seed: r.seed, seconds: f(r.seconds, 1), 's/epoch': f(r.secondsPerEpoch, 2), 'outside step': `${(r.outsideStepShare * 100).toFixed(1)}%`,
        mAP50: f(r.map50), 'mAP50-95': f(r.map), 'ultralytics mAP50': f(r.reference?.map50), 'ultralytics mAP50-95': f(r.reference?.map),
      })));
      console.log(`mean mAP50-95: ours ${f(summary.ours.map)}, ultralytics ${f(summary.ultralytics?.map)}` +
        (summary.goalMet === undefined ? '' : ` (goal: ours >= ultralytics - 0.01: ${summary.goalMet ? 'met' : 'NOT met'})`));
    });
}
