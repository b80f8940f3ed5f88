import { dflDecodeInto } from '../model/anchors';

/**
 * Plain-JS reference kernels over rows of the Detect head's output, [rows, no = 4*regMax + nc] (DFL
 * logits of the four sides, then class logits): the implementations `referenceOps` (backend/ops.ts)
 * gives the ops `decodeHeadRows` and `classBceWithGrad`. The loss and the decoder call them only through
 * the ops seam; the native engine replaces them with its vectorised kernels.
 *
 * Formulas (ultralytics 8.0.200):
 *   decode: v8DetectionLoss.bbox_decode / DFL, ltrb_s = sum_i i * softmax(logits_s)_i (in bins), and
 *           the scores sigmoid(class logits), as Detect does in eval mode;
 *   class term: v8DetectionLoss's BCEWithLogitsLoss(reduction='none') summed over every row and class,
 *           BCE(x, z) = max(x, 0) - x z + log(1 + exp(-|x|)),  d/dx = sigmoid(x) - z.
 */

/** Decoded head rows (see OpsImpl.decodeHeadRows). */
export interface DecodedHeadRows {
  /** [rows, nc] sigmoid class scores. */
  scores: Float32Array;
  /** [rows, 4] DFL expectations (left, top, right, bottom) in bins of the row's level. */
  ltrb: Float32Array;
  /** Fills row r of `scores` and `ltrb` if not done yet (engines that decode every row up front do nothing). */
  ensure(r: number): void;
}

/** One level's rows for OpsImpl.classBceWithGrad. */
export interface ClassBceRows {
  /** [rows, no] head output; class logits at channels off..off+nc-1. */
  d: Float32Array;
  rows: number;
  /** [rows] foreground class of each row, -1 for background. */
  label: Int32Array;
  /** [rows] target score on the row's foreground class (the class's BCE target; every other class: 0). */
  score: Float32Array;
  /** [rows, no]: k * (sigmoid(x) - z) is written into the class channels; null: the value only. */
  grad: Float32Array | null;
}

/**
 * Lazy decoding, row by row on `ensure` (float64 arithmetic, float32 results): the loss's assigner only
 * looks at the anchors inside some box, a small part of all rows.
 */
export function decodeHeadRowsJs(d: Float32Array, rows: number, no: number, regMax: number, nc: number): DecodedHeadRows {
  const scores = new Float32Array(rows * nc); // [rows, nc]
  const ltrb = new Float32Array(rows * 4); // [rows, 4]
  const done = new Uint8Array(rows);
  const ensure = (r: number): void => {
    if (done[r]) return;
    done[r] = 1;
    const src = r * no;
    for (let j = 0; j < nc; j++) scores[r * nc + j] = 1 / (1 + Math.exp(-d[src + 4 * regMax + j]));
    dflDecodeInto(d, src, regMax, ltrb, r * 4);
  };
  return { scores, ltrb, ensure };
}

/** Sum of BCE over every level's rows and classes (float64, in level, row, class order); gradient times k. */
export function classBceWithGradJs(levels: ClassBceRows[], no: number, off: number, nc: number, k: number): number {
  let sum = 0;
  for (const { d, rows, label, score, grad } of levels) {
    for (let r = 0; r < rows; r++) {
      const lab = label[r];
      const o = r * no + off;
      for (let j = 0; j < nc; j++) {
        const x = d[o + j];
        const z = j === lab ? score[r] : 0;
        // e = exp(-|x|) gives both the softplus and the sigmoid
        const e = Math.exp(-Math.abs(x));
        sum += (x > 0 ? x : 0) - x * z + Math.log1p(e);
        const sig = x >= 0 ? 1 / (1 + e) : e / (1 + e);
        if (grad) grad[o + j] = k * (sig - z);
      }
    }
  }
  return sum;
}
