import * as tf from '@tensorflow/tfjs-core';
import { OpsImpl, referenceOps, setOpsImpl } from '../ops';
import { convBnActWasm } from './conv-bn-act';

/**
 * The wasm engine's ops. They check the active backend on every call, so a process that switches to
 * another backend (tests compare against cpu) falls back to the reference ops there.
 */
const onWasm = (): boolean => tf.getBackend() === 'wasm';

export const wasmOps: Partial<OpsImpl> = {
  convBnAct(x, p, training) {
    return onWasm() ? convBnActWasm(x, p, training) : referenceOps.convBnAct(x, p, training);
  },
};

export function installWasmOps(): void {
  setOpsImpl(wasmOps);
}
