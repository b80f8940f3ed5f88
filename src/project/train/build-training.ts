import * as path from 'node:path';
import { loadWeightsInto } from '../model/load';
import { createYolo, YoloModel } from '../model/yolo';
import { Rng } from '../random';
import { parseModelName, TrainArgs } from './args';
import { loadCheckpoint, TrainerState } from './checkpoint';
import { ModelEma } from './ema';
import { GroupOptimizer, OptimizerConfig, resolveAutoOptimizer } from './optimizer';
import { buildParamGroups, scaledWeightDecay } from './param-groups';
import { restoreResults } from './results-csv';
import type { RunData } from './setup';
import type { StepState } from './step';
import { createStepState } from './step-state';
import { writeTransferReport } from './transfer-report';

/**
 * The model and what trains it: initial weights, parameter groups, optimizer, EMA, and for --resume the
 * state of the last complete epoch. Follows ultralytics 8.0.200 engine/trainer.py BaseTrainer._setup_train
 * (setup_model, build_optimizer, ModelEMA) and BaseTrainer.resume_training.
 */
export interface Training {
  model: YoloModel;
  step: StepState;
  opt: GroupOptimizer;
  optCfg: OptimizerConfig;
  ema: ModelEma;
  /** Bias group lr at the start of warmup (0 under optimizer=auto). */
  warmupBiasLr: number;
  /** Where the run (re)starts, and what it has done so far. */
  startEpoch: number;
  iterations: number;
  bestFitness: number;
  bestEpoch: number;
  rng: Rng;
}

/** Initial weights: .pt, .safetensors or a bare name (fetched into the weights cache); mis-shaped tensors (another nc) are skipped. */
async function transferWeights(model: YoloModel, weights: string, runDir: string, log: (line: string) => void): Promise<void> {
  const rep = await loadWeightsInto(model, weights, { strict: false });
  // ultralytics transfers whatever fits; a checkpoint of another scale fits only a few tensors by chance, which
  // would leave a model that is mostly random while the log says "weights loaded".
  const total = rep.loaded.length + rep.mismatched.length + rep.missing.length;
  if (rep.loaded.length < total / 2) {
    throw new Error(`${rep.source}: only ${rep.loaded.length} of YOLOv8${model.scale}'s ${total} tensors fit (${rep.mismatched.length} of another shape, ${rep.missing.length} absent): weights of another scale?`);
  }
  log(`weights: ${rep.loaded.length} tensors loaded from ${rep.source}` + (rep.mismatched.length ? `, ${rep.mismatched.length} skipped (shape differs, e.g. another nc)` : ''));
  writeTransferReport(runDir, rep);
}

export async function buildTraining(args: TrainArgs, data: RunData, runDir: string, resume: boolean, log: (line: string) => void): Promise<Training> {
  const model = createYolo({ scale: parseModelName(args.model), nc: data.nc, seed: args.seed });
  if (args.weights && !resume) await transferWeights(model, args.weights, runDir, log);
  const named = model.namedTensors();

  const accumulateFull = Math.max(Math.round(args.nbs / args.batch), 1);
  const iterations = Math.ceil(data.trainItems.length / Math.max(args.batch, args.nbs)) * args.epochs;
  let optCfg: OptimizerConfig;
  let warmupBiasLr = args.warmupBiasLr;
  if (args.optimizer === 'auto') {
    optCfg = resolveAutoOptimizer(data.nc, iterations);
    warmupBiasLr = 0; // ultralytics: no higher than 0.01 for Adam; auto sets 0
  } else {
    optCfg = { name: args.optimizer, lr: args.lr0, momentum: args.momentum };
  }
  const groups = buildParamGroups(named, scaledWeightDecay(args.weightDecay, args.batch, args.nbs));
  const opt = new GroupOptimizer(groups, optCfg);
  const ema = new ModelEma(named);
  log(`optimizer: ${optCfg.name}(lr=${optCfg.lr}, momentum=${optCfg.momentum}) with parameter groups ${groups.map((g) => `${g.vars.length} ${g.kind}`).join(', ')}; accumulate to ${args.nbs} (x${accumulateFull})`);

  const t: Training = {
    model, step: createStepState(model, opt, ema), opt, optCfg, ema, warmupBiasLr,
    startEpoch: 0, iterations: 0, bestFitness: -Infinity, bestEpoch: -1, rng: new Rng(args.seed),
  };
  if (resume) {
    const weightsDir = path.join(runDir, 'weights');
    const st: TrainerState = loadCheckpoint(weightsDir, 'last', model, ema, opt);
    t.startEpoch = st.epoch + 1;
    t.iterations = st.iterations;
    t.step.lastOptStep = st.lastOptStep;
    t.bestFitness = st.bestFitness;
    t.bestEpoch = st.bestEpoch;
    t.rng = new Rng(st.rng);
    restoreResults(path.join(runDir, 'results.csv'), st.epoch + 1, st.row);
    log(`resume: from epoch ${t.startEpoch + 1} of ${args.epochs} (${path.join(weightsDir, 'last.json')})`);
  }
  return t;
}
