import type { Anchors } from '../model/anchors';
import type { LossHyp } from './hyp';
import type { GtBatch } from './targets';

/** Input and output of the TaskAlignedAssigner (ultralytics 8.0.200 TaskAlignedAssigner.forward), see assigner.ts. */

export interface AssignerInput {
  batch: number;
  nc: number;
  anchors: Anchors;
  /** [B, A, nc] sigmoid class scores. */
  scores: Float32Array;
  /** [B, A, 4] predicted xyxy boxes in pixels. */
  boxes: Float32Array;
  gt: GtBatch;
  /**
   * Called before `scores`/`boxes` of (image, anchor) are read: lets the caller decode only the anchors
   * that lie inside some box (a small part of all anchors) instead of all of them.
   */
  ensure?: (b: number, a: number) => void;
  hyp: Pick<LossHyp, 'topk' | 'alpha' | 'beta' | 'eps'>;
}

export interface Assignment {
  /** Foreground anchors (weight-0 ones included), ordered by image then anchor index. */
  numFg: number;
  fgImage: Int32Array;
  fgAnchor: Int32Array;
  /** Index of the assigned gt within its image (row of the padded GtBatch). */
  fgGt: Int32Array;
  fgLabel: Int32Array;
  /** target_scores summed over classes: the normalised align metric. */
  fgWeight: Float32Array;
  /** [F, 4] assigned gt boxes, pixel xyxy. */
  targetBoxes: Float32Array;
  /** Sum of all target scores (before max(., 1)). */
  targetScoresSum: number;
}
