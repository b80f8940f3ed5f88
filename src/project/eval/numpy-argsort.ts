/**
 * The order `np.argsort(a)` gives (numpy 1.24, the default kind 'quicksort', float64), ties included.
 * ultralytics sorts its rect validation batches with it, and its order among equal aspect ratios decides which
 * batch, so which padded shape, a picture gets. numpy documents the algorithm as an introsort; its steps are:
 * partitions of more than 16 elements are split around the median of the first, middle and last (those three
 * swapped into order), the pivot parked at last-but-one, a Hoare scan from both ends with strict comparisons,
 * the pivot swapped into place, the smaller side sorted first (the larger one stacked); depth-exhausted partitions
 * fall back to heapsort (2·floor(log2 n) levels); partitions of up to 16 elements are finished by insertion sort.
 */

export function numpyArgsort(a: ArrayLike<number>): number[] {
  const n = a.length;
  const idx = Array.from({ length: n }, (_, i) => i);
  const less = (x: number, y: number) => a[x] < a[y];
  const swap = (i: number, j: number) => {
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  };
  const stack: [number, number, number][] = [];
  let pl = 0;
  let pr = n - 1;
  let depth = 2 * Math.floor(Math.log2(Math.max(n, 1)));
  for (;;) {
    if (depth < 0) {
      heapsort(idx, pl, pr, a);
    } else {
      while (pr - pl > 15) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(idx[pm], idx[pl])) swap(pm, pl);
        if (less(idx[pr], idx[pm])) swap(pr, pm);
        if (less(idx[pm], idx[pl])) swap(pm, pl);
        const vp = a[idx[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi; while (a[idx[pi]] < vp);
          do --pj; while (vp < a[idx[pj]]);
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        depth--;
        if (pi - pl < pr - pi) {
          stack.push([pi + 1, pr, depth]);
          pr = pi - 1;
        } else {
          stack.push([pl, pi - 1, depth]);
          pl = pi + 1;
        }
      }
      for (let i = pl + 1; i <= pr; i++) {
        const vi = idx[i];
        const v = a[vi];
        let j = i;
        while (j > pl && v < a[idx[j - 1]]) {
          idx[j] = idx[j - 1];
          j--;
        }
        idx[j] = vi;
      }
    }
    const top = stack.pop();
    if (!top) break;
    [pl, pr, depth] = top;
  }
  return idx;
}

/** numpy's indirect heapsort on idx[lo..hi] (1-based sift-down as numpy writes it). */
function heapsort(idx: number[], lo: number, hi: number, a: ArrayLike<number>): void {
  const n = hi - lo + 1;
  const at = (k: number) => lo + k - 1; // 1-based position -> array index
  const sift = (start: number, end: number) => {
    const tmp = idx[at(start)];
    let i = start;
    let j = start * 2;
    while (j <= end) {
      if (j < end && a[idx[at(j)]] < a[idx[at(j + 1)]]) j++;
      if (a[tmp] < a[idx[at(j)]]) {
        idx[at(i)] = idx[at(j)];
        i = j;
        j += j;
      } else break;
    }
    idx[at(i)] = tmp;
  };
  for (let l = n >> 1; l > 0; l--) sift(l, n);
  for (let end = n; end > 1; ) {
    const t = idx[at(end)];
    idx[at(end)] = idx[at(1)];
    idx[at(1)] = t;
    end--;
    sift(1, end);
  }
}
