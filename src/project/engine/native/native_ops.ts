import * as tf from '@tensorflow/tfjs-core';
import { OpsImpl, ops, referenceOps, setOpsImpl } from '../ops';
import { convBnActNative } from './conv_bn_act';
import { conv2dBiasNative } from './conv_bias';
import { splitChannelsNative } from './channels';
import { NATIVE_BACKEND } from './kernels';

/**
 * The native engine's ops. Like the wasm engine's, they check the active backend on every call, so a
 * process that switches to another backend (tests compare against cpu and wasm) gets that backend's ops.
 */
const onNative = (): boolean => tf.getBackend() === NATIVE_BACKEND;

export const nativeOps: Partial<OpsImpl> = {
  convBnAct(x, p, training) {
    return onNative() ? convBnActNative(x, p, training) : referenceOps.convBnAct(x, p, training);
  },
  conv2dBias(x, w, b, stride, pad) {
    return onNative() ? conv2dBiasNative(x, w, b, stride, pad) : referenceOps.conv2dBias(x, w, b, stride, pad);
  },
  upsample2x(x) {
    if (!onNative()) return referenceOps.upsample2x(x);
    // The cpu kernels' ResizeNearestNeighborGrad is wrong for batch > 1 (tfjs 4.22): a broadcast has a plain-sum gradient.
    const [B, H, W, C] = x.shape;
    return tf.tidy(() => tf.reshape(tf.mul(tf.reshape(x, [B, H, 1, W, 1, C]), tf.ones([1, 1, 2, 1, 2, 1])), [B, 2 * H, 2 * W, C]));
  },
};

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
    upsample2x: (x) => (onNative() ? nativeOps.upsample2x!(x) : prev.upsample2x(x)),
    splitChannels: (x, sizes) => (onNative() ? splitChannelsNative(x, sizes) : prev.splitChannels(x, sizes)),
  });
  installedImpl = ops();
}
