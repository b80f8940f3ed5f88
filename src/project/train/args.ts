import { AugmentHyp, DEFAULT_AUGMENT } from '../data/augment/pipeline';
import type { LrShape } from './schedule';

/** Every setting of a training run, with ultralytics' defaults and names where users know them. */
export interface TrainArgs {
  data: string; // path to data.yaml
  model: string; // yolov8n..yolov8x
  epochs: number;
  imgsz: number;
  batch: number;
  weights?: string; // initial weights: .pt, .safetensors or a name like yolov8n (ultralytics names)
  backend?: string;
  project: string; // runs/train
  name: string; // exp
  existOk: boolean;
  seed: number;
  optimizer: 'auto' | 'SGD' | 'Adam' | 'AdamW';
  lr0: number;
  lrf: number;
  momentum: number;
  weightDecay: number;
  warmupEpochs: number;
  warmupMomentum: number;
  warmupBiasLr: number;
  lrShape: LrShape; // cos_lr -> cosine
  closeMosaic: number;
  patience: number;
  nbs: number;
  box: number;
  cls: number;
  dfl: number;
  augment: AugmentHyp;
  /** Keep decoded images in RAM (ultralytics cache=ram). */
  cache: boolean;
  /** Validate every epoch (always on the last). */
  val: boolean;
  /** Validation in ultralytics' rect batches (sorted by aspect ratio, pad 0.5); false: square imgsz inputs. */
  rect: boolean;
  conf: number; // 0.001 for validation
  iou: number; // 0.7
  maxDet: number; // 300
  /** Use this fraction of the training images (ultralytics `fraction`), for quick runs. */
  fraction: number;
  /** Stop after this many batches per epoch (debugging / tests); 0 = all. */
  maxBatches: number;
}

export const DEFAULT_TRAIN_ARGS: Omit<TrainArgs, 'data'> = {
  model: 'yolov8n',
  epochs: 100,
  imgsz: 640,
  batch: 16,
  project: 'runs/train',
  name: 'exp',
  existOk: false,
  seed: 0,
  optimizer: 'auto',
  lr0: 0.01,
  lrf: 0.01,
  momentum: 0.937,
  weightDecay: 0.0005,
  warmupEpochs: 3.0,
  warmupMomentum: 0.8,
  warmupBiasLr: 0.1,
  lrShape: 'linear',
  closeMosaic: 10,
  patience: 50,
  nbs: 64,
  box: 7.5,
  cls: 0.5,
  dfl: 1.5,
  augment: DEFAULT_AUGMENT,
  cache: true,
  val: true,
  rect: true,
  conf: 0.001,
  iou: 0.7,
  maxDet: 300,
  fraction: 1.0,
  maxBatches: 0,
};

export function parseModelName(model: string): 'n' | 's' | 'm' | 'l' | 'x' {
  const m = /^yolov8([nsmlx])$/.exec(model.replace(/\.(yaml|pt|safetensors)$/, ''));
  if (!m) throw new Error(`unknown model "${model}": expected yolov8n, yolov8s, yolov8m, yolov8l or yolov8x`);
  return m[1] as 'n' | 's' | 'm' | 'l' | 'x';
}
