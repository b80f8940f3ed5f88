import * as tf from '@tensorflow/tfjs-core';

/**
 * The geometry every Conv2D gradient here works from: strides, dilations and the forward conv's padding as
 * explicit pixels, resolved by tfjs's own computeConv2DInfo (the one tf.conv2d and the stock
 * Conv2DBackpropFilter/Conv2DBackpropInput kernels use). NHWC input, HWIO filter.
 *
 * Forward: y[n,o,p,co] = sum_{kh,kw,ci} x[n, o*sh + kh*dh - top, p*sw + kw*dw - left, ci] * w[kh,kw,ci,co].
 */
export interface ConvGeometry {
  strides: [number, number];
  dilations: [number, number];
  /** Explicit padding of the forward conv in pixels. */
  pads: { top: number; bottom: number; left: number; right: number };
}

/** Resolves any tfjs pad spec ('same', 'valid', a number, explicit pairs) to explicit pixels. */
export function convGeometry(
  xShape: number[],
  filterShape: number[],
  strides: number | [number, number],
  dilations: number | [number, number],
  pad: unknown,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): ConvGeometry & { outHeight: number; outWidth: number } {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad as 'valid',
    dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight, info.dilationWidth],
    pads: { top: info.padInfo.top, bottom: info.padInfo.bottom, left: info.padInfo.left, right: info.padInfo.right },
    outHeight: info.outHeight,
    outWidth: info.outWidth,
  };
}

export function assertSupported(g: ConvGeometry, what: string): void {
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) {
    throw new Error(`${what}: strides > 1 together with dilations > 1 is not supported (as in tf.conv2d)`);
  }
}
