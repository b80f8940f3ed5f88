import { gaussian, mulberry32 } from '../project/random';

/**
 * Losses answers 2–3: per-layer gradient norms at initialisation of the "mlpirate" MLP
 * (N → H, then 24 × H → H, then H → 1, an activation after every hidden Linear), in float64.
 */

export type Activation = 'sigmoid' | 'tanh' | 'relu';
/** 'torch': PyTorch's Linear default U(±1/√fan_in) for weights and bias; 'glorot': uniform, TF.js dense default; 'he': N(0, 2/fan_in). */
export type Init = 'torch' | 'glorot' | 'he';

export interface DepthOptions {
  activation: Activation;
  init?: Init;
  inputs?: number;
  hidden?: number;
  /** Hidden H→H layers after the first; 24 in the homework. */
  repeats?: number;
  /** `[Linear, act]*24` repeats the same module objects, so all 24 share one Linear (true, as in the homework). */
  shared?: boolean;
  batch?: number;
  seed?: number;
}

interface Linear {
  w: Float64Array; // [out, in]
  b: Float64Array; // [out]
  nIn: number;
  nOut: number;
}

function makeLinear(nIn: number, nOut: number, init: Init, rand: () => number): Linear {
  const normal = gaussian(rand);
  const w = new Float64Array(nIn * nOut);
  const b = new Float64Array(nOut);
  if (init === 'torch') {
    const bound = 1 / Math.sqrt(nIn);
    for (let i = 0; i < w.length; i++) w[i] = (2 * rand() - 1) * bound;
    for (let i = 0; i < nOut; i++) b[i] = (2 * rand() - 1) * bound;
  } else if (init === 'glorot') {
    const bound = Math.sqrt(6 / (nIn + nOut));
    for (let i = 0; i < w.length; i++) w[i] = (2 * rand() - 1) * bound;
  } else {
    const sd = Math.sqrt(2 / nIn);
    for (let i = 0; i < w.length; i++) w[i] = normal() * sd;
  }
  return { w, b, nIn, nOut };
}

const act: Record<Activation, { f: (z: number) => number; df: (z: number) => number }> = {
  sigmoid: { f: (z) => 1 / (1 + Math.exp(-z)), df: (z) => { const s = 1 / (1 + Math.exp(-z)); return s * (1 - s); } },
  tanh: { f: Math.tanh, df: (z) => 1 - Math.tanh(z) ** 2 },
  relu: { f: (z) => Math.max(z, 0), df: (z) => (z > 0 ? 1 : 0) },
};

export interface DepthResult {
  activation: Activation;
  init: Init;
  /** ‖∂L/∂a_l‖ (Frobenius over the batch) for hidden activations l = 1..repeats+1. */
  norms: number[];
  /** norms[0] / norms[last]: how much the gradient shrinks from the top hidden layer to the first. */
  ratio: number;
  /** Geometric-mean shrink factor per layer. */
  perLayer: number;
  parameters: number;
}

/** Parameter count of the homework MLP, with the hidden Linear shared or not. */
export function mlpirateParameters(inputs = 42, hidden = 128, repeats = 24, shared = true): number {
  const lin = (a: number, b: number): number => a * b + b;
  return lin(inputs, hidden) + (shared ? 1 : repeats) * lin(hidden, hidden) + lin(hidden, 1);
}

/** Forward a batch x ~ N(0,1), L = mean of the outputs, then backpropagate by hand. */
export function gradientNormsByDepth(o: DepthOptions): DepthResult {
  const init = o.init ?? 'torch';
  const nIn = o.inputs ?? 42;
  const h = o.hidden ?? 128;
  const reps = o.repeats ?? 24;
  const shared = o.shared ?? true;
  const B = o.batch ?? 32;
  const rand = mulberry32(o.seed ?? 0);
  const normal = gaussian(rand);
  const first = makeLinear(nIn, h, init, rand);
  const sharedLin = makeLinear(h, h, init, rand);
  const hiddenLayers = Array.from({ length: reps }, () => (shared ? sharedLin : makeLinear(h, h, init, rand)));
  const last = makeLinear(h, 1, init, rand);
  const layers = [first, ...hiddenLayers];
  const { f, df } = act[o.activation];

  let a = Float64Array.from({ length: B * nIn }, normal); // [B, in]
  const zs: Float64Array[] = [];
  for (const L of layers) {
    const z = new Float64Array(B * L.nOut);
    for (let n = 0; n < B; n++) {
      for (let i = 0; i < L.nOut; i++) {
        let s = L.b[i];
        for (let k = 0; k < L.nIn; k++) s += L.w[i * L.nIn + k] * a[n * L.nIn + k];
        z[n * L.nOut + i] = s;
      }
    }
    zs.push(z);
    a = z.map(f);
  }
  // L = mean_n(last(a_n)) ⇒ ∂L/∂a_top = last.w / B for every sample.
  let g = new Float64Array(B * h);
  for (let n = 0; n < B; n++) for (let i = 0; i < h; i++) g[n * h + i] = last.w[i] / B;
  const norms: number[] = [];
  const norm = (v: Float64Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  norms.unshift(norm(g));
  for (let l = layers.length - 1; l >= 1; l--) {
    // ∂L/∂a_{l−1} = W_lᵀ (∂L/∂a_l ⊙ act'(z_l))
    const L = layers[l];
    const z = zs[l];
    const next = new Float64Array(B * L.nIn);
    for (let n = 0; n < B; n++) {
      for (let i = 0; i < L.nOut; i++) {
        const gi = g[n * L.nOut + i] * df(z[n * L.nOut + i]);
        if (gi === 0) continue;
        for (let k = 0; k < L.nIn; k++) next[n * L.nIn + k] += L.w[i * L.nIn + k] * gi;
      }
    }
    g = next;
    norms.unshift(norm(g));
  }
  const ratio = norms[0] / norms[norms.length - 1];
  return { activation: o.activation, init, norms, ratio, perLayer: Math.pow(ratio, 1 / (norms.length - 1)), parameters: mlpirateParameters(nIn, h, reps, shared) };
}

/** A plotly figure (log-scale gradient norm against layer) for several runs. */
export function gradientDepthFigure(runs: DepthResult[]): { data: object[]; layout: object } {
  return {
    data: runs.map((r) => ({ type: 'scatter', mode: 'lines+markers', name: `${r.activation} (${r.init} init)`, x: r.norms.map((_, i) => i + 1), y: r.norms })),
    layout: {
      title: { text: 'mlpirate at initialisation: ‖∂L/∂a_l‖ per hidden layer' },
      xaxis: { title: { text: 'hidden layer l (1 = closest to the input)' } },
      yaxis: { title: { text: 'gradient norm' }, type: 'log', exponentformat: 'power' },
      width: 760,
      height: 420,
    },
  };
}
