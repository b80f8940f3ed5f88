import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../backend/init';
import { ImageCache, LabeledImage } from '../data/loader/train-loader';
import { labelPathFor, readYoloDataset } from '../data/yolo-dataset';
import { DEFAULT_TRAIN_ARGS, TrainArgs, parseModelName } from './args';
import { claimRunDir, clearEarlierRun } from './run-dir';
import type { TrainInput } from './train-types';

/**
 * Before any model exists: the run's settings and folder, the backend, the datasets and args.json.
 * Follows ultralytics 8.0.200 engine/trainer.py BaseTrainer.__init__ (args, save_dir, args.yaml),
 * check_resume and get_dataset (data.yaml, the train and val splits).
 */

/** A resumed run's settings from its args.json (only the backend may change), or the defaults under the caller's. */
export function resolveRun(input: TrainInput): { args: TrainArgs; runDir: string; created: boolean } {
  if (input.resume) {
    const runDir = input.resume;
    const argsFile = path.join(runDir, 'args.json');
    if (!fs.existsSync(argsFile)) throw new Error(`${argsFile}: not a training run folder (no args.json)`);
    const args = { ...(JSON.parse(fs.readFileSync(argsFile, 'utf8')) as TrainArgs), backend: input.backend ?? undefined };
    return { args, runDir, created: false };
  }
  const args = { ...DEFAULT_TRAIN_ARGS, ...input } as TrainArgs;
  const { dir, created } = claimRunDir(args.project, args.name, args.existOk);
  return { args, runDir: dir, created };
}

/** The datasets of a run, their image caches, and the images the reader skipped. */
export interface RunData {
  names: string[];
  nc: number;
  trainItems: LabeledImage[];
  valItems: LabeledImage[];
  trainCache: ImageCache;
  valCache: ImageCache;
  /** Images the dataset reader left out (unreadable labels and the like), already logged. */
  skippedListed: number;
}

function toLabeled(images: { imagePath: string; labels: LabeledImage['labels'] }[]): LabeledImage[] {
  return images.map((i) => ({ imagePath: i.imagePath, labels: i.labels }));
}

/** Checks the settings, starts the backend, reads both splits and, for a new run, writes args.json. */
export async function prepareRun(args: TrainArgs, runDir: string, resume: boolean, log: (line: string) => void): Promise<RunData> {
  const scale = parseModelName(args.model);
  if (!Number.isInteger(args.imgsz) || args.imgsz % 32 !== 0 || args.imgsz < 32) throw new Error(`imgsz must be a multiple of 32 (got ${args.imgsz})`);
  if (!(args.batch >= 1)) throw new Error(`batch must be at least 1 (got ${args.batch})`);
  if (!fs.existsSync(args.data)) throw new Error(`${args.data}: data.yaml not found`);

  const choice = await initBackend({ backend: args.backend });
  const trainSet = await readYoloDataset(args.data, 'train');
  const valSet = await readYoloDataset(args.data, 'val');
  const nc = trainSet.data.nc;
  let trainItems = toLabeled(trainSet.images);
  if (args.fraction < 1) trainItems = trainItems.slice(0, Math.max(1, Math.round(trainItems.length * args.fraction)));
  if (trainItems.length === 0) throw new Error(`${args.data}: the train split has no images`);
  // Nothing to learn from images without boxes; some of them are background images, as in ultralytics.
  const unlabelled = trainItems.filter((i) => i.labels.length === 0).length;
  const labelsDir = path.dirname(labelPathFor(trainItems[0].imagePath));
  if (unlabelled === trainItems.length) throw new Error(`${args.data}: no labels in the train split: none of its ${trainItems.length} images has a box in ${labelsDir}`);
  if (unlabelled > 0) log(`warning: ${unlabelled} of ${trainItems.length} train images have no labels in ${labelsDir} (trained as background images)`);
  const valItems = toLabeled(valSet.images);
  for (const sk of [...trainSet.skipped, ...valSet.skipped]) log(`warning: skipped ${sk.imagePath}: ${sk.reason}`);

  fs.mkdirSync(path.join(runDir, 'weights'), { recursive: true });
  if (!resume) {
    // --exist-ok over an earlier run: a new run starts over, its rows and checkpoints are not mixed with the old.
    const cleared = clearEarlierRun(runDir);
    if (cleared.length) log(`${runDir}: a new run in this folder: removed the earlier run's ${cleared.map((f) => path.relative(runDir, f)).join(', ')}`);
    const tmp = path.join(runDir, 'args.json.tmp');
    fs.writeFileSync(tmp, JSON.stringify({ ...args, backend: choice.name, names: trainSet.data.names }, null, 1));
    fs.renameSync(tmp, path.join(runDir, 'args.json'));
  }
  log(`train: ${runDir} | yolov8${scale} nc=${nc} imgsz=${args.imgsz} batch=${args.batch} epochs=${args.epochs} | backend ${choice.name} | ${trainItems.length} train, ${valItems.length} val images`);

  const trainCache = new ImageCache(trainItems, args.imgsz, args.cache);
  const valCache = new ImageCache(valItems, args.imgsz, args.cache, false);
  // With a RAM cache (ultralytics cache=ram), decoding starts now, in libvips' threads, while the model
  // and optimizer are built; the epochs then find most images ready.
  if (args.cache) {
    trainCache.prefetch(trainItems.map((_, i) => i));
    valCache.prefetch(valItems.map((_, i) => i));
  }
  const skippedListed = trainSet.skipped.length + valSet.skipped.length;
  return { names: trainSet.data.names, nc, trainItems, valItems, trainCache, valCache, skippedListed };
}
