import type * as tf from '@tensorflow/tfjs-core';

/**
 * The training-side engine seam, beside the model's ops seam (ops.ts): the trainer (optimizer, EMA,
 * gradient accumulation, end of training) calls these instead of an engine's internals. The defaults
 * here are the portable answer "no fused kernel on this engine": the callers then run their plain tfjs
 * path. An engine installs its kernels through `setTrainKernels` when it loads (the native engine in
 * native/loader.ts); like the ops, they must decide on every call whether their backend is the active
 * one, since a process may switch backends after loading them (the tests compare native against cpu).
 */

/** The optimizers the fused step knows (the trainer's OptimizerName). */
export type FusedKind = 'SGD' | 'Adam' | 'AdamW';

/** SGD: lr, momentum, wd, first step. Adam/AdamW: the AdamHyper scalars of native/taco_native.h. */
export type FusedHyper = number[];

export interface TrainKernels {
  /** Whether `fusedOptimizerStep` and `fusedEmaUpdate` can run now (asked at call time: the active backend counts). */
  fusedStepAvailable(): boolean;
  /**
   * Updates p and its slots (SGD: [momentum buffer]; Adam: [m, v]) from grad in one call, in place on
   * the tensors' memory. Only called when `fusedStepAvailable()` said yes.
   */
  fusedOptimizerStep(kind: FusedKind, p: tf.Variable, slots: tf.Variable[], grad: tf.Tensor, hyper: FusedHyper): void;
  /** The model EMA update e = d*e + (1-d)*v in place on e. Only called when `fusedStepAvailable()` said yes. */
  fusedEmaUpdate(e: tf.Variable, v: tf.Tensor, d: number): void;
  /** acc += g in place where the engine can (acc owns its memory); false where it cannot, and the caller adds with tfjs. */
  addInPlace(acc: tf.Tensor, g: tf.Tensor): boolean;
  /** Drops memory an engine keeps for reuse between steps (the native pool); called when training ends. */
  releaseMemory(): void;
}

function noFusedKernel(what: string): never {
  throw new Error(`${what}: no fused kernel on this engine (fusedStepAvailable() is false)`);
}

/** The portable defaults: nothing fused, nothing in place, nothing pooled. */
export const portableTrainKernels: TrainKernels = {
  fusedStepAvailable: () => false,
  fusedOptimizerStep: () => noFusedKernel('fusedOptimizerStep'),
  fusedEmaUpdate: () => noFusedKernel('fusedEmaUpdate'),
  addInPlace: () => false,
  releaseMemory: () => {},
};

let impl: TrainKernels = portableTrainKernels;

/** Engines install their training kernels here (all or some; missing ones keep the portable default). */
export function setTrainKernels(partial: Partial<TrainKernels> | null): void {
  impl = partial ? { ...portableTrainKernels, ...partial } : portableTrainKernels;
}

export function trainKernels(): TrainKernels {
  return impl;
}
