/**
 * Stable grouping of rows by (category, image): two counting-sort passes (image, then category), so rows of one
 * (image, category) pair end up adjacent, pairs in category-major / image order (the order pycocotools'
 * accumulate concatenates them in), and rows inside a pair in their original order.
 * O(n + I + K) time and memory, whatever the number of (image, category) pairs.
 */
function countingPass(order: Int32Array, key: Int32Array, nKeys: number): Int32Array {
  const start = new Int32Array(nKeys + 1);
  for (let j = 0; j < order.length; j++) start[key[order[j]] + 1]++;
  for (let k = 0; k < nKeys; k++) start[k + 1] += start[k];
  const out = new Int32Array(order.length);
  for (let j = 0; j < order.length; j++) out[start[key[order[j]]]++] = order[j];
  return out;
}

/** Row indices sorted by (cat, img, row). */
export function groupByCatImage(n: number, img: Int32Array, cat: Int32Array, nImg: number, nCat: number): Int32Array {
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) order[j] = j;
  return countingPass(countingPass(order, img, nImg), cat, nCat);
}
