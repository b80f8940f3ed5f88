import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { RANGES, numberOption } from '../parse';


/** `taco bench epoch`: seconds per epoch on TACO-mini and where the time goes outside the model step. */
export function register(bench: Command): void {
  bench
    .command('epoch')
    .description('seconds per training epoch on TACO-mini (or --data) and the share of time outside the model step')
    .option('--data <file>', 'data.yaml (default: a fresh TACO-mini in a temp folder)')
    .option('--model <name>', 'model', 'yolov8n')
    .option('--imgsz <px>', 'image size', numberOption('imgsz', RANGES.imgsz), 160)
    .option('--batch <n>', 'batch size', numberOption('batch', RANGES.batch), 8)
    .option('--epochs <n>', 'epochs to time (the first also fills the image cache)', numberOption('epochs', RANGES.epochs), 3)
    .option('--backend <name>', 'backend')
    .option('--json', 'JSON output')
    .action(async (o: { data?: string; model: string; imgsz: number; batch: number; epochs: number; backend?: string; json?: boolean }) => {
      const { train } = await import('../../project/train/trainer');
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-bench-epoch-'));
      try {
        let data = o.data;
        if (!data) {
          const { prepareDataset } = await import('../../project/data/prepare');
          data = (await prepareDataset({ out: path.join(tmp, 'mini'), imgsz: o.imgsz })).outputs.dataYaml;
        }
        const r = await train(
          { data, model: o.model, epochs: o.epochs, imgsz: o.imgsz, batch: o.batch, backend: o.backend, project: path.join(tmp, 'runs'), name: 'bench', optimizer: 'AdamW', lr0: 0.002, warmupEpochs: 1 },
          { log: () => {} }, // no progress display: the trainer's default is silent
        );
        const { currentBackend } = await import('../../project/backend/init');
        const t = r.timing;
        const share = (x: number) => (t.total > 0 ? x / t.total : 0);
        const out = {
          model: o.model,
          imgsz: o.imgsz,
          batch: o.batch,
          backend: currentBackend()?.name,
          epochs: r.epochsRun,
          secondsPerEpoch: r.secondsPerEpoch,
          meanSecondsPerEpoch: t.total / Math.max(1, r.epochsRun),
          shares: { step: share(t.step), data: share(t.data), val: share(t.val), checkpoint: share(t.checkpoint), other: share(t.total - t.step - t.data - t.val - t.checkpoint) },
          outsideStepShare: r.dataShare,
          goal: 'outside-step share < 10%',
        };
        if (o.json) {
          console.log(JSON.stringify(out, null, 2));
          return;
        }
        console.log(`bench epoch: yolov8 ${o.model} imgsz ${o.imgsz} batch ${o.batch} on ${out.backend}, ${r.epochsRun} epochs`);
        console.table(r.secondsPerEpoch.map((s, i) => ({ epoch: i + 1, seconds: +s.toFixed(2) })));
        console.table(Object.fromEntries(Object.entries(out.shares).map(([k, v]) => [k, { share: `${(v * 100).toFixed(1)}%`, seconds: +(v * t.total).toFixed(2) }])));
        console.log(`outside the model step: ${(r.dataShare * 100).toFixed(1)}% (goal < 10%)`);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
}
