import type { Assignment } from './assigner';
import type { DetectionLossDebug } from './detection-loss-types';

/**
 * The debug summary of an assignment (`detectionLoss` with `debug`): what ultralytics 8.0.200
 * v8DetectionLoss.__call__ holds in fg_mask and target_scores, and target_scores_sum = max(sum, 1).
 */

/** No foreground anywhere (an empty batch). */
export function emptyAssignment(): Assignment {
  const i = new Int32Array(0);
  return { numFg: 0, fgImage: i, fgAnchor: i, fgGt: i, fgLabel: i, fgWeight: new Float32Array(0), targetBoxes: new Float32Array(0), targetScoresSum: 0 };
}

/** `tss`: the normaliser used, max(targetScoresSum, 1). */
export function summarize(asg: Assignment, tss: number): DetectionLossDebug {
  const fgAnchors: [number, number][] = [];
  const fgWeights: number[] = [];
  let weighted = 0;
  for (let i = 0; i < asg.numFg; i++) {
    fgAnchors.push([asg.fgImage[i], asg.fgAnchor[i]]);
    fgWeights.push(asg.fgWeight[i]);
    if (asg.fgWeight[i] > 0) weighted++;
  }
  return {
    targetScoresSum: asg.targetScoresSum,
    targetScoresSumUsed: tss,
    numFg: asg.numFg,
    numFgWeighted: weighted,
    fgAnchors,
    fgWeights,
  };
}
