/**
 * Stable sort of row indices by a float64 key, descending: numpy's argsort(-key, kind='mergesort') order.
 * Bottom-up merge sort on typed arrays (insertion-sorted runs of 32, then merges taking the left run on ties),
 * several times faster than Array.prototype.sort with a comparator and free of per-element allocation.
 * Also the per-(image, category) detection order of COCOeval.evaluateImg (sortByScoreStable).
 */
const RUN = 32;

/** Sorts rows[0..n) in place by key[row] descending; equal keys keep their input order. `tmp` needs n slots. */
export function stableSortDesc(rows: Int32Array, n: number, key: Float64Array, tmp: Int32Array): void {
  for (let s = 0; s < n; s += RUN) {
    const e = Math.min(s + RUN, n);
    for (let i = s + 1; i < e; i++) {
      const v = rows[i];
      const kv = key[v];
      let j = i - 1;
      while (j >= s && key[rows[j]] < kv) {
        rows[j + 1] = rows[j];
        j--;
      }
      rows[j + 1] = v;
    }
  }
  let src = rows;
  let dst = tmp;
  for (let w = RUN; w < n; w *= 2) {
    for (let lo = 0; lo < n; lo += 2 * w) {
      const mid = Math.min(lo + w, n);
      const hi = Math.min(lo + 2 * w, n);
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi) {
        // Take the right element only when strictly greater: ties stay in input order.
        if (key[src[j]] > key[src[i]]) dst[o++] = src[j++];
        else dst[o++] = src[i++];
      }
      while (i < mid) dst[o++] = src[i++];
      while (j < hi) dst[o++] = src[j++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== rows) rows.set(src.subarray(0, n));
}

/** Sorts idx[0..n) by score descending; equal scores keep their order (numpy's mergesort is stable). */
export function sortByScoreStable(idx: Int32Array, n: number, score: Float64Array): void {
  if (n <= 48) {
    for (let i = 1; i < n; i++) {
      const v = idx[i];
      const s = score[v];
      let j = i - 1;
      while (j >= 0 && score[idx[j]] < s) {
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = v;
    }
    return;
  }
  // Rows arrive in list order, so the row index is the tie-breaker.
  const tmp = Array.from(idx.subarray(0, n)).sort((a, b) => score[b] - score[a] || a - b);
  for (let i = 0; i < n; i++) idx[i] = tmp[i];
}
