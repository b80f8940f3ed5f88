/**
 * What pycocotools' COCOeval.evaluateImg() hands to accumulate(), packed flat: instead of one dict per
 * (image, category, area range) with dtMatches / dtIgnore arrays, one bit per IoU threshold per evaluated
 * detection, so accumulate reads typed arrays and evaluate() allocates nothing per detection.
 */

export interface EvalImgs {
  K: number;
  A: number;
  T: number;
  /** Evaluated detections of category k are rows catStart[k] .. catStart[k+1]. */
  catStart: Int32Array; // [K+1]
  score: Float64Array; // [N]
  /** Rank of the detection in its (image, category) after the score sort, for the maxDets cut. */
  rank: Int32Array; // [N]
  /** Bit t: true positive at iouThrs[t] (matched to a GT with a nonzero id, and not ignored). */
  tp: Uint32Array; // [N, A]
  /** Bit t: false positive at iouThrs[t] (unmatched, and not ignored). */
  fp: Uint32Array; // [N, A]
  /** Non-ignored GT per (category, area range): pycocotools' npig. */
  npig: Float64Array; // [K, A]
}
