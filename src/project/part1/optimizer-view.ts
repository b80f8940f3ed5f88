import { DEFAULT_TRAIN_ARGS } from '../train/args';
import type { Part1Config } from './config';
import { lrCurve, resolvedOptimizer, ScheduleInput } from './figures';

export function scheduleInput(c: Part1Config, trainImages: number, nc: number): ScheduleInput {
  return { epochs: c.epochs, trainImages, batch: c.batch, optimizer: c.optimizer, lr0: c.lr0, momentum: c.momentum, warmupEpochs: c.warmupEpochs, nc };
}

/** The optimizer of this run next to ultralytics' defaults. */
export function optimizerRows(c: Part1Config, trainImages: number, nc: number): { setting: string; 'this run': string | number; 'ultralytics default': string | number }[] {
  const s = scheduleInput(c, trainImages, nc);
  const opt = resolvedOptimizer(s);
  const curve = lrCurve(s);
  const d = DEFAULT_TRAIN_ARGS;
  return [
    { setting: 'optimizer', 'this run': c.optimizer === 'auto' ? `auto -> ${opt.name}` : opt.name, 'ultralytics default': 'auto (AdamW under 10k iterations, else SGD)' },
    { setting: 'lr0', 'this run': opt.lr, 'ultralytics default': d.lr0 },
    { setting: 'final lr factor lrf', 'this run': d.lrf, 'ultralytics default': d.lrf },
    { setting: opt.name === 'SGD' ? 'momentum (nesterov)' : 'beta1 (momentum) / beta2', 'this run': opt.name === 'SGD' ? opt.momentum : `${opt.momentum} / 0.999`, 'ultralytics default': d.momentum },
    { setting: 'weight decay (scaled by batch/64; none on biases and BN)', 'this run': d.weightDecay, 'ultralytics default': d.weightDecay },
    { setting: 'warmup epochs (at least 100 iterations)', 'this run': `${c.warmupEpochs} -> ${curve.warmupIterations} iterations`, 'ultralytics default': d.warmupEpochs },
    { setting: 'batches per epoch / accumulate to nominal batch 64', 'this run': `${curve.batchesPerEpoch} / x${Math.max(Math.round(d.nbs / c.batch), 1)}`, 'ultralytics default': 'nbs 64' },
    { setting: 'gradient clipping (max norm)', 'this run': 10, 'ultralytics default': 10 },
    { setting: 'EMA of the weights (decay 0.9999, ramped)', 'this run': 'yes', 'ultralytics default': 'yes' },
  ];
}
