/**
 * Analytic receptive fields of a stack of 2-D layers (square kernels; each spatial axis alike).
 *
 * Per layer: effective kernel k̂ = d(k−1)+1, jump j_l = j_{l−1}·s, RF r_l = r_{l−1} + (k̂−1)·j_{l−1},
 * start offset a_l = a_{l−1} − p·j_{l−1}: unit i of layer l sees input i·j_l + a_l .. i·j_l + a_l + r_l − 1.
 */

export type RfLayer =
  | { type: 'conv'; name?: string; kernel: number; stride?: number; padding?: number; dilation?: number; filters?: number }
  | { type: 'maxpool' | 'avgpool'; name?: string; kernel: number; stride?: number; padding?: number }
  | { type: 'activation'; name?: string };

/** A type alias (not an interface) so rows can go straight into table helpers that take records. */
export type RfRow = {
  name: string;
  /** Effective kernel d(k−1)+1 (1 for activations). */
  kernel: number;
  stride: number;
  padding: number;
  dilation: number;
  jump: number;
  rf: number;
  /** Input index of the first position seen by unit 0 (negative: it lies in the padding). */
  start: number;
  /** Spatial size after this layer, for the given input size. */
  size: number;
};

function params(l: RfLayer): { k: number; s: number; p: number; d: number } {
  if (l.type === 'activation') return { k: 1, s: 1, p: 0, d: 1 };
  const s = l.stride ?? (l.type === 'conv' ? 1 : l.kernel); // PyTorch: pooling stride defaults to the kernel
  const d = l.type === 'conv' ? l.dilation ?? 1 : 1;
  if (l.kernel < 1 || s < 1 || d < 1 || (l.padding ?? 0) < 0) throw new Error(`layer ${l.name ?? l.type}: kernel, stride and dilation must be ≥ 1 and padding ≥ 0`);
  return { k: l.kernel, s, p: l.padding ?? 0, d };
}

/** Output size of one layer (floor mode, as PyTorch and TF.js with explicit padding). */
export function outSize(inSize: number, k: number, s: number, p: number, d: number): number {
  const n = Math.floor((inSize + 2 * p - (d * (k - 1) + 1)) / s) + 1;
  if (n < 1) throw new Error(`input of size ${inSize} is too small for kernel ${k} (dilation ${d}, padding ${p})`);
  return n;
}

/** Per-layer effective kernel, jump, RF and start offset, for an input of `inputSize` pixels per side. */
export function receptiveFieldTable(layers: RfLayer[], inputSize: number): RfRow[] {
  let j = 1;
  let r = 1;
  let a = 0;
  let size = inputSize;
  return layers.map((l, idx) => {
    const { k, s, p, d } = params(l);
    const kh = d * (k - 1) + 1;
    r += (kh - 1) * j;
    a -= p * j;
    j *= s;
    size = outSize(size, k, s, p, d);
    return { name: l.name ?? `${l.type}${idx + 1}`, kernel: kh, stride: s, padding: p, dilation: d, jump: j, rf: r, start: a, size };
  });
}

/** Closed form r = 1 + Σ_l d_l(k_l−1)·∏_{i<l} s_i. */
export function receptiveFieldClosedForm(layers: RfLayer[]): number {
  let r = 1;
  let prod = 1;
  for (const l of layers) {
    const { k, s, d } = params(l);
    r += d * (k - 1) * prod;
    prod *= s;
  }
  return r;
}

/**
 * The same RF read top-down: r_{l−1} = s_l(r_l − 1) + k̂_l from r_L = 1, returned as [r_L, …, r_0]
 * (window sizes in layer l−1 units; r_0 is the RF in input pixels).
 */
export function receptiveFieldTopDown(layers: RfLayer[]): number[] {
  const out = [1];
  for (let i = layers.length - 1; i >= 0; i--) {
    const { k, s, d } = params(layers[i]);
    out.push(s * (out[out.length - 1] - 1) + d * (k - 1) + 1);
  }
  return out;
}

/** The positions in the layer below that unit `index` of `layer` reads: index·s − p + t·d for t < k (may lie in the padding). */
export function tapPositions(layer: RfLayer, index: number): number[] {
  const { k, s, p, d } = params(layer);
  return Array.from({ length: k }, (_, t) => index * s - p + t * d);
}

/**
 * The exact set of input indices (along one axis) that output unit `index` depends on, walking the
 * layers backwards: it accounts for zero padding (out-of-range taps see no input) and for holes
 * left by dilation. Sorted ascending.
 */
export function inputSupport(layers: RfLayer[], inputSize: number, index: number): number[] {
  const sizes = [inputSize];
  for (const l of layers) {
    const { k, s, p, d } = params(l);
    sizes.push(outSize(sizes[sizes.length - 1], k, s, p, d));
  }
  if (index < 0 || index >= sizes[sizes.length - 1]) throw new Error(`output index ${index} is outside 0..${sizes[sizes.length - 1] - 1}`);
  let set = new Set<number>([index]);
  for (let li = layers.length - 1; li >= 0; li--) {
    const below = sizes[li];
    const next = new Set<number>();
    for (const u of set) for (const x of tapPositions(layers[li], u)) if (x >= 0 && x < below) next.add(x);
    set = next;
  }
  return [...set].sort((x, y) => x - y);
}

/** The homework's CNN: conv3(p1) → ReLU → maxpool2 → conv5/s2(p2) → ReLU → maxpool2 → conv7/d2(p3) → ReLU. */
export const HOMEWORK_CNN: RfLayer[] = [
  { type: 'conv', name: 'conv1', kernel: 3, padding: 1, filters: 4 },
  { type: 'activation', name: 'relu1' },
  { type: 'maxpool', name: 'pool1', kernel: 2 },
  { type: 'conv', name: 'conv2', kernel: 5, stride: 2, padding: 2, filters: 16 },
  { type: 'activation', name: 'relu2' },
  { type: 'maxpool', name: 'pool2', kernel: 2 },
  { type: 'conv', name: 'conv3', kernel: 7, dilation: 2, padding: 3, filters: 32 },
  { type: 'activation', name: 'relu3' },
];

/** Rows for the layers that change the RF (drops activations, which are identities here). */
export function withoutActivations(rows: RfRow[], layers: RfLayer[]): RfRow[] {
  return rows.filter((_, i) => layers[i].type !== 'activation');
}
