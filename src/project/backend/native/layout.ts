/**
 * Shape arithmetic for the native element-wise kernels: broadcasts, reductions and slices are
 * collapsed to the fewest dimensions (adjacent dims that move together are merged), so the addon's
 * inner loop runs over long contiguous rows. Pure functions, no tensors.
 */

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) st[d] = st[d + 1] * shape[d + 1];
  return st;
}

export interface BroadcastPlan {
  outShape: number[];
  /** Collapsed iteration shape and the element strides of a and b in it (0 where broadcast). */
  shape: number[];
  aStrides: number[];
  bStrides: number[];
}

/** NumPy broadcasting of a and b, collapsed. Undefined when the shapes do not broadcast. */
export function broadcastPlan(a: readonly number[], b: readonly number[]): BroadcastPlan | undefined {
  const r = Math.max(a.length, b.length);
  const pa = [...new Array<number>(r - a.length).fill(1), ...a];
  const pb = [...new Array<number>(r - b.length).fill(1), ...b];
  const outShape: number[] = [];
  for (let d = 0; d < r; d++) {
    if (pa[d] !== pb[d] && pa[d] !== 1 && pb[d] !== 1) return undefined;
    outShape.push(pa[d] === 1 ? pb[d] : pa[d]);
  }
  const sa0 = stridesOf(pa).map((s, d) => (pa[d] === 1 ? 0 : s));
  const sb0 = stridesOf(pb).map((s, d) => (pb[d] === 1 ? 0 : s));
  const shape: number[] = [];
  const aStrides: number[] = [];
  const bStrides: number[] = [];
  for (let d = 0; d < r; d++) {
    if (outShape[d] === 1) continue;
    const k = shape.length - 1;
    // Merge into the previous kept dim when both operands step through the pair as one run.
    if (k >= 0 && aStrides[k] === sa0[d] * outShape[d] && bStrides[k] === sb0[d] * outShape[d]) {
      shape[k] *= outShape[d];
      aStrides[k] = sa0[d];
      bStrides[k] = sb0[d];
    } else {
      shape.push(outShape[d]);
      aStrides.push(sa0[d]);
      bStrides.push(sb0[d]);
    }
  }
  if (shape.length === 0) return { outShape, shape: [1], aStrides: [0], bStrides: [0] };
  return { outShape, shape, aStrides, bStrides };
}

/** A sum over `axes` as out[o, i] = sum_m x[o, m, i]; undefined when the reduced dims are not one block. */
export function sumPlan(shape: readonly number[], axes: readonly number[]): { outer: number; mid: number; inner: number } | undefined {
  const groups: { size: number; reduced: boolean }[] = [];
  shape.forEach((size, d) => {
    if (size === 1) return;
    const reduced = axes.includes(d);
    const last = groups[groups.length - 1];
    if (last && last.reduced === reduced) last.size *= size;
    else groups.push({ size, reduced });
  });
  const red = groups.filter((g) => g.reduced);
  if (red.length > 1) return undefined;
  if (red.length === 0) return { outer: groups.reduce((a, g) => a * g.size, 1), mid: 1, inner: 1 };
  const at = groups.indexOf(red[0]);
  const outer = groups.slice(0, at).reduce((a, g) => a * g.size, 1);
  const inner = groups.slice(at + 1).reduce((a, g) => a * g.size, 1);
  return { outer, mid: red[0].size, inner };
}

/** A slice with trailing full dims merged (so the copy runs are as long as possible). */
export function slicePlan(shape: readonly number[], begin: readonly number[], size: readonly number[]): { shape: number[]; begin: number[]; size: number[] } {
  const s = [shape[shape.length - 1]];
  const b = [begin[begin.length - 1]];
  const z = [size[size.length - 1]];
  for (let d = shape.length - 2; d >= 0; d--) {
    if (b[0] === 0 && z[0] === s[0]) {
      // The dim after d is taken whole: fold d into it.
      b[0] = begin[d] * s[0];
      z[0] = size[d] * s[0];
      s[0] = shape[d] * s[0];
    } else {
      s.unshift(shape[d]);
      b.unshift(begin[d]);
      z.unshift(size[d]);
    }
  }
  return { shape: s, begin: b, size: z };
}
