import * as tf from '@tensorflow/tfjs-core';
import { ConvBnAct, ops } from '../backend/ops';
import { ConvSpec, LayerSpec, ModelDef, REG_MAX, Scale, defParamCount, resolveYolov8 } from './definition';
import { BOX_BIAS_INIT, classBiasInit, convInitBound, streamFor, uniform } from './init';
import { decodeHeads } from './decode';

/** ultralytics initialize_weights: BatchNorm eps and momentum (PyTorch convention). */
export const BN_EPS = 1e-3;
export const BN_MOMENTUM = 0.03;

export interface YoloOptions {
  scale: Scale;
  nc: number;
  /** Seed of the weight init (default 0). */
  seed?: number;
}

/** A conv block's parameters: BN form (ultralytics Conv) or a plain biased conv (Detect's last 1x1s). */
type ConvParams = { spec: ConvSpec; bn: ConvBnAct } | { spec: ConvSpec; w: tf.Variable; b: tf.Variable };

export interface YoloModel {
  readonly scale: Scale;
  readonly nc: number;
  readonly strides: number[];
  /** The resolved definition the model was built from (summary, diagram and weight names use it). */
  readonly def: ModelDef;
  /**
   * Raw head maps NHWC, one per stride: [B, H/s, W/s, 4*16 + nc]; channels 0..63 are DFL logits
   * (side = c // 16: l, t, r, b), then nc class logits; ultralytics' channel order.
   * `x` is [B, H, W, 3] with values in 0..1. Training mode normalises with batch statistics and
   * updates the BatchNorm running statistics.
   */
  forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D[];
  /** Eval-mode decoded output [B, 4 + nc, anchors]: cx, cy, w, h in input pixels, then sigmoid scores. */
  predict(x: tf.Tensor4D): tf.Tensor3D;
  trainableVariables(): tf.Variable[];
  /** Every tensor by its ultralytics state_dict name, in state_dict order; kernels are HWIO. */
  namedTensors(): Map<string, tf.Variable>;
  /** ultralytics' count: all nn.Parameters, the fixed DFL weight (16) included. */
  paramCount(): number;
  /** BatchNorm's num_batches_tracked (PyTorch counts train-mode forwards); saved with the weights. */
  numBatchesTracked: number;
  dispose(): void;
}

/** A variable that owns its data: tf.variable keeps the initial tensor alive as a separate tensor otherwise. */
function own(t: tf.Tensor, trainable: boolean): tf.Variable {
  const v = tf.variable(t, trainable);
  t.dispose();
  return v;
}

/** Builds the variables of one conv, seeded by its state_dict name. */
function makeConv(spec: ConvSpec, seed: number, named: Map<string, tf.Variable>): ConvParams {
  const fanIn = spec.cin * spec.k * spec.k;
  const bound = convInitBound(fanIn);
  // Drawn in PyTorch's OIHW order, then laid out HWIO, so one seed gives the same kernel either way.
  const wName = spec.bn ? `${spec.name}.conv.weight` : `${spec.name}.weight`;
  const oihw = uniform(spec.cout * spec.cin * spec.k * spec.k, bound, streamFor(seed, wName));
  const w = own(tf.tidy(() => tf.transpose(tf.tensor4d(oihw, [spec.cout, spec.cin, spec.k, spec.k]), [2, 3, 1, 0])), true);
  named.set(wName, w);
  if (!spec.bn) {
    const b = own(tf.tensor1d(uniform(spec.cout, bound, streamFor(seed, `${spec.name}.bias`))), true);
    named.set(`${spec.name}.bias`, b);
    return { spec, w, b };
  }
  const c = spec.cout;
  const gamma = own(tf.ones([c]), true);
  const beta = own(tf.zeros([c]), true);
  const runningMean = own(tf.zeros([c]), false);
  const runningVar = own(tf.ones([c]), false);
  named.set(`${spec.name}.bn.weight`, gamma);
  named.set(`${spec.name}.bn.bias`, beta);
  named.set(`${spec.name}.bn.running_mean`, runningMean);
  named.set(`${spec.name}.bn.running_var`, runningVar);
  const bn: ConvBnAct = {
    w,
    gamma,
    beta,
    runningMean,
    runningVar,
    stride: spec.stride,
    pad: spec.pad,
    dilation: 1,
    act: true,
    eps: BN_EPS,
    momentum: BN_MOMENTUM,
  };
  return { spec, bn };
}

type Value = tf.Tensor4D | tf.Tensor4D[]; // a list stands for its channel concat, left lazy for the engine

function asTensor(v: Value): tf.Tensor4D {
  return Array.isArray(v) ? ops().concatChannels(v) : v;
}

function runConv(p: ConvParams, x: Value, training: boolean): tf.Tensor4D {
  if ('bn' in p) return ops().convBnAct(x, p.bn, training);
  return ops().conv2dBias(asTensor(x), p.w as unknown as tf.Tensor4D, p.b as unknown as tf.Tensor1D, p.spec.stride, p.spec.pad);
}

/** One layer's forward; `convs` are the layer's conv parameters in definition order. */
function runLayer(l: LayerSpec, convs: ConvParams[], inputs: Value[], training: boolean): Value {
  const o = ops();
  switch (l.module) {
    case 'Conv':
      return runConv(convs[0], inputs[0], training);
    case 'C2f': {
      const c = l.hidden as number;
      // cv2 reads [y's two halves, m outputs...]: y itself stands for its halves in that list, so
      // only the half the bottlenecks read is copied out.
      const y = runConv(convs[0], inputs[0], training);
      const ys: tf.Tensor4D[] = [y];
      let cur = o.sliceChannels(y, c, c);
      for (let i = 0; i < l.repeats; i++) {
        const t = runConv(convs[3 + 2 * i], runConv(convs[2 + 2 * i], cur, training), training);
        cur = l.shortcut ? tf.add(cur, t) : t;
        ys.push(cur);
      }
      return runConv(convs[1], ys, training);
    }
    case 'SPPF': {
      const k = l.pool as number;
      const x = runConv(convs[0], inputs[0], training);
      const y1 = o.maxPoolSame(x, k);
      const y2 = o.maxPoolSame(y1, k);
      const y3 = o.maxPoolSame(y2, k);
      return runConv(convs[1], [x, y1, y2, y3], training);
    }
    case 'Upsample':
      return o.upsample2x(asTensor(inputs[0]));
    case 'Concat':
      return inputs.flatMap((v) => (Array.isArray(v) ? v : [v]));
    case 'Detect': {
      const nl = inputs.length;
      return inputs.map((v, i) => {
        const x = asTensor(v);
        const box = runConv(convs[3 * i + 2], runConv(convs[3 * i + 1], runConv(convs[3 * i], x, training), training), training);
        const j = 3 * nl + 3 * i;
        const cls = runConv(convs[j + 2], runConv(convs[j + 1], runConv(convs[j], x, training), training), training);
        return o.concatChannels([box, cls]);
      });
    }
  }
}

/** Builds a YOLOv8 at a scale for nc classes, with PyTorch's default init and ultralytics' head biases. */
export function createYolo(opts: YoloOptions): YoloModel {
  const def = resolveYolov8(opts.scale, opts.nc);
  const seed = opts.seed ?? 0;
  const named = new Map<string, tf.Variable>();
  const layerConvs = def.layers.map((l) => l.convs.map((c) => makeConv(c, seed, named)));
  const detect = def.layers[def.layers.length - 1];
  const detectConvs = layerConvs[layerConvs.length - 1];
  const nl = detect.from.length;
  for (let i = 0; i < nl; i++) tf.tidy(() => {
    const box = detectConvs[3 * i + 2];
    const cls = detectConvs[3 * nl + 3 * i + 2];
    if ('b' in box) box.b.assign(tf.fill([4 * REG_MAX], BOX_BIAS_INIT));
    if ('b' in cls) cls.b.assign(tf.fill([def.nc], classBiasInit(def.nc, def.strides[i])));
  });
  const trainable = [...named.values()].filter((v) => v.trainable);
  let disposed = false;

  const forward = (x: tf.Tensor4D, training: boolean): tf.Tensor4D[] => {
    if (disposed) throw new Error('forward() on a disposed YOLO model');
    if (x.rank !== 4 || x.shape[3] !== 3) throw new Error(`YOLO input must be [B, H, W, 3], got [${x.shape.join(', ')}]`);
    const [H, W] = [x.shape[1], x.shape[2]];
    if (H % 32 !== 0 || W % 32 !== 0) throw new Error(`YOLO input size ${H}x${W} must be a multiple of 32 (the largest stride)`);
    if (training) model.numBatchesTracked++;
    return tf.tidy(() => {
      const outs: Value[] = [];
      def.layers.forEach((l, i) => {
        const inputs = l.from.map((f) => (f < 0 ? x : outs[f]));
        outs.push(runLayer(l, layerConvs[i], inputs, training));
      });
      // The last layer is Detect: its value is the list of per-level maps, not a lazy concat.
      return outs[outs.length - 1] as tf.Tensor4D[];
    });
  };

  const model: YoloModel = {
    scale: def.scale,
    nc: def.nc,
    strides: def.strides.slice(),
    def,
    forward,
    predict(x) {
      return tf.tidy(() => decodeHeads(forward(x, false), def.strides, def.nc));
    },
    trainableVariables: () => trainable.slice(),
    namedTensors: () => new Map(named),
    paramCount: () => defParamCount(def),
    numBatchesTracked: 0,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const v of named.values()) v.dispose();
    },
  };
  return model;
}
