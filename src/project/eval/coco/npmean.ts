/**
 * np.mean over float64 as the numpy behind pycocotools computes it: the reduction iterator hands the add loop
 * buffers of 8192 elements, each summed pairwise (8-way unrolled blocks of at most 128, halves split on
 * multiples of 8) and added to a running total started at 0; then the total is divided by the count.
 * Matching this order makes the means bit-identical (the COCO-val-scale case's AP differs by one ulp with a
 * single pairwise pass, as numpy >= 2.3 does it, and equals the reference with 8192-element chunks).
 */
const PW_BLOCKSIZE = 128;
const NPY_BUFSIZE = 8192;

function pairwiseSum(a: Float64Array, off: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[off + i];
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[off + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[off + i + j];
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += a[off + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, off, n2) + pairwiseSum(a, off + n2, n - n2);
}

/** np.mean(values[:n]); NaN for n = 0 (callers handle the empty case first). */
export function numpyMean(values: Float64Array, n: number = values.length): number {
  let total = 0;
  for (let off = 0; off < n; off += NPY_BUFSIZE) total += pairwiseSum(values, off, Math.min(NPY_BUFSIZE, n - off));
  return total / n;
}
