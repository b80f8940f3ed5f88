import * as tf from '@tensorflow/tfjs-core';
import { OpsImpl, ops, setOpsImpl } from '../ops';
import { activeAddon } from './active-addon';
import { convBnActNative } from './conv-bn-act';
import { conv2dBiasNative } from './conv-bias';
import { sliceChannelsNative, splitChannelsNative } from './channels';
import { classBceWithGradNative, decodeHeadRowsNative } from './head-rows';
import { NATIVE_BACKEND } from './kernels';
import { f32, zeros } from './memory';
import { maxPoolSameNative, upsample2xNative } from './pool-upsample';

/**
 * The native engine's ops. Like the wasm engine's, they check the active backend on every call, so a
 * process that switches to another backend (tests compare against cpu and wasm) gets that backend's ops.
 */
const onNative = (): boolean => tf.getBackend() === NATIVE_BACKEND;

/** Adds the native ops on top of whatever another engine installed (each falls back off its backend). */
let installedImpl: OpsImpl | undefined;

export function installNativeOps(): void {
  // Another engine (wasm) may have replaced the ops since: install again on top of its ops.
  if (installedImpl && ops() === installedImpl) return;
  const prev = { ...ops() };
  setOpsImpl({
    ...prev,
    convBnAct: (x, p, t) => (onNative() ? convBnActNative(x, p, t) : prev.convBnAct(x, p, t)),
    conv2dBias: (x, w, b, s, pad) => (onNative() ? conv2dBiasNative(x, w, b, s, pad) : prev.conv2dBias(x, w, b, s, pad)),
    upsample2x: (x) => (onNative() ? upsample2xNative(x) : prev.upsample2x(x)),
    maxPoolSame: (x, k) => (onNative() ? maxPoolSameNative(x, k) : prev.maxPoolSame(x, k)),
    splitChannels: (x, sizes) => (onNative() ? splitChannelsNative(x, sizes) : prev.splitChannels(x, sizes)),
    sliceChannels: (x, begin, size) => (onNative() ? sliceChannelsNative(x, begin, size) : prev.sliceChannels(x, begin, size)),
    // engine reads: dataSync would mark the array as user-held and keep it out of the memory pool
    readFloat32: (t) => (onNative() ? f32(t) : prev.readFloat32(t)),
    zerosFloat32: (n) => (onNative() ? zeros(n) : prev.zerosFloat32(n)),
    decodeHeadRows: (d, rows, no, regMax, nc) => {
      const addon = activeAddon();
      return addon ? decodeHeadRowsNative(addon, d, rows, no, regMax, nc) : prev.decodeHeadRows(d, rows, no, regMax, nc);
    },
    classBceWithGrad: (levels, no, off, nc, k) => {
      const addon = activeAddon();
      return addon ? classBceWithGradNative(addon, levels, no, off, nc, k) : prev.classBceWithGrad(levels, no, off, nc, k);
    },
  });
  installedImpl = ops();
}
