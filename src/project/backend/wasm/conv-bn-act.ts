import * as tf from '@tensorflow/tfjs-core';
import type { ConvBnAct } from '../ops';

/**
 * Conv + BatchNorm + SiLU for the wasm engine, with a hand-written backward.
 *
 * Why: differentiated op by op, tfjs' BN backward broadcasts through `Tile` (about 0.1 s per
 * [8,80,80,32] tensor on wasm) and the concat feeding C2f's last conv goes through slow split/concat
 * gradients. Here the channel statistics are plain `sum`s over [N,H,W] (wasm broadcasts [C] against
 * [N,H,W,C] natively), and a list input is convolved part by part with slices of the kernel, so the
 * concatenation is never materialised. The conv gradients are the registered forward-conv kernels.
 *
 * Semantics equal `referenceOps.convBnAct` (training: biased batch variance to normalise, running
 * stats updated in place with the unbiased one, PyTorch momentum convention).
 */
type Pads = [[0, 0], [number, number], [number, number], [0, 0]];

function explicitPad(p: ConvBnAct): Pads {
  return [[0, 0], [p.pad, p.pad], [p.pad, p.pad], [0, 0]];
}

/** Kernel slices matching the input parts: w[:, :, off:off+c_i, :] for each part. */
function kernelParts(w: tf.Tensor4D, xs: tf.Tensor4D[]): tf.Tensor4D[] {
  if (xs.length === 1) return [w];
  const [kh, kw, cin, cout] = w.shape;
  const total = xs.reduce((a, x) => a + x.shape[3], 0);
  if (total !== cin) throw new Error(`convBnAct: input parts have ${total} channels, the kernel expects ${cin}`);
  let off = 0;
  return xs.map((x) => {
    const part = tf.slice(w, [0, 0, off, 0], [kh, kw, x.shape[3], cout]);
    off += x.shape[3];
    return part;
  });
}

/**
 * Per-channel mean over [N, H, W] as one average pool whose window is the whole (reshaped) map.
 * wasm's Sum over non-innermost axes first transposes the whole tensor ([8,80,80,64]: ~5 ms); XNNPACK's
 * pooling reads NHWC in place (~0.3 ms). Same float32 accumulation, so the same precision.
 */
export function channelMean(t: tf.Tensor): tf.Tensor1D {
  const [n, h, w, c] = t.shape as [number, number, number, number];
  const pooled = tf.avgPool(tf.reshape(t, [1, n * h, w, c]) as tf.Tensor4D, [n * h, w], 1, 'valid');
  return tf.reshape(pooled, [c]) as tf.Tensor1D;
}

function convForward(xs: tf.Tensor4D[], ws: tf.Tensor4D[], p: ConvBnAct): tf.Tensor4D {
  let z: tf.Tensor4D | undefined;
  for (let i = 0; i < xs.length; i++) {
    const zi = tf.conv2d(xs[i], ws[i], p.stride, explicitPad(p) as unknown as 'valid', 'NHWC', p.dilation);
    z = z ? (tf.add(z, zi) as tf.Tensor4D) : zi;
  }
  return z as tf.Tensor4D;
}

/** Inference: BN folded into the kernel and a bias (one fused conv per part), then SiLU. */
function convBnActEval(xs: tf.Tensor4D[], p: ConvBnAct): tf.Tensor4D {
  return tf.tidy(() => {
    const scale = tf.div(p.gamma, tf.sqrt(tf.add(p.runningVar, p.eps))); // [Cout]
    const bias = tf.sub(p.beta, tf.mul(p.runningMean, scale)) as tf.Tensor1D;
    const wf = tf.mul(p.w, scale) as tf.Tensor4D;
    const ws = kernelParts(wf, xs);
    let y: tf.Tensor4D | undefined;
    for (let i = 0; i < xs.length; i++) {
      const yi = tf.fused.conv2d({
        x: xs[i], filter: ws[i], strides: p.stride, pad: explicitPad(p) as unknown as 'valid',
        dilations: p.dilation, bias: i === 0 ? bias : undefined,
      });
      y = y ? (tf.add(y, yi) as tf.Tensor4D) : yi;
    }
    return p.act ? (tf.mul(y!, tf.sigmoid(y!)) as tf.Tensor4D) : y!;
  });
}

function convGradients(dz: tf.Tensor4D, xs: tf.Tensor4D[], ws: tf.Tensor4D[], p: ConvBnAct): { dxs: tf.Tensor4D[]; dw: tf.Tensor4D } {
  const attrs = { strides: p.stride, pad: explicitPad(p), dataFormat: 'NHWC', dilations: p.dilation };
  const dxs = xs.map(
    (x, i) => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dz, filter: ws[i] }, { ...attrs, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor4D,
  );
  const dws = xs.map(
    (x, i) => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: dz }, { ...attrs, filterShape: ws[i].shape } as unknown as tf.NamedAttrMap) as tf.Tensor4D,
  );
  return { dxs, dw: dws.length === 1 ? dws[0] : tf.concat(dws, 2) };
}

function convBnActTrain(xs: tf.Tensor4D[], p: ConvBnAct): tf.Tensor4D {
  const w = p.w as unknown as tf.Tensor4D;
  const gamma = p.gamma as unknown as tf.Tensor1D;
  const beta = p.beta as unknown as tf.Tensor1D;
  const nParts = xs.length;
  const f = tf.customGrad((...args: (tf.Tensor | ((t: tf.Tensor[]) => void))[]) => {
    const save = args[args.length - 1] as (t: tf.Tensor[]) => void;
    const ins = args.slice(0, nParts) as tf.Tensor4D[];
    const [wv, g, b] = args.slice(nParts, nParts + 3) as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const ws = kernelParts(wv, ins);
    const z = convForward(ins, ws, p); // [N, Ho, Wo, Cout]
    const n = z.shape[0] * z.shape[1] * z.shape[2];
    const mean = channelMean(z); // [Cout]
    const centered = tf.sub(z, mean);
    const variance = channelMean(tf.square(centered)); // biased, [Cout]
    const invStd = tf.rsqrt(tf.add(variance, p.eps)); // [Cout]
    const xhat = tf.mul(centered, invStd) as tf.Tensor4D;
    const yb = tf.add(tf.mul(xhat, g), b) as tf.Tensor4D;
    const out = p.act ? (tf.mul(yb, tf.sigmoid(yb)) as tf.Tensor4D) : yb;
    const unbiased = tf.mul(variance, n / Math.max(n - 1, 1));
    p.runningMean.assign(tf.add(tf.mul(p.runningMean, 1 - p.momentum), tf.mul(mean, p.momentum)));
    p.runningVar.assign(tf.add(tf.mul(p.runningVar, 1 - p.momentum), tf.mul(unbiased, p.momentum)));
    save([...ins, wv, g, b, xhat, invStd]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const sIns = saved.slice(0, nParts) as tf.Tensor4D[];
        const [sw, sg, sb, sxhat, sInv] = saved.slice(nParts) as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D];
        let dyb = dy as tf.Tensor4D;
        if (p.act) {
          // d/dy [y * sigmoid(y)] = s * (1 + y * (1 - s))
          const y = tf.add(tf.mul(sxhat, sg), sb);
          const s = tf.sigmoid(y);
          dyb = tf.mul(dy, tf.mul(s, tf.add(1, tf.mul(y, tf.sub(1, s))))) as tf.Tensor4D;
        }
        const meanDyb = channelMean(dyb); // dbeta / n
        const meanDybXhat = channelMean(tf.mul(dyb, sxhat)); // dgamma / n
        const dbeta = tf.mul(meanDyb, n) as tf.Tensor1D;
        const dgamma = tf.mul(meanDybXhat, n) as tf.Tensor1D;
        // dz = gamma*invStd * (dyb - dbeta/n - xhat*dgamma/n)
        const dz = tf.mul(
          tf.sub(tf.sub(dyb, meanDyb), tf.mul(sxhat, meanDybXhat)),
          tf.mul(sg, sInv),
        ) as tf.Tensor4D;
        const { dxs, dw } = convGradients(dz, sIns, kernelParts(sw, sIns), p);
        return [...dxs, dw, dgamma, dbeta];
      },
    };
  });
  return f(...xs, w, gamma, beta) as tf.Tensor4D;
}

export function convBnActWasm(x: tf.Tensor4D | tf.Tensor4D[], p: ConvBnAct, training: boolean): tf.Tensor4D {
  const xs = Array.isArray(x) ? x : [x];
  if (p.stride > 1 && p.dilation > 1) throw new Error('convBnAct: stride > 1 with dilation > 1 is not supported (as in tf.conv2d)');
  return training ? convBnActTrain(xs, p) : convBnActEval(xs, p);
}
