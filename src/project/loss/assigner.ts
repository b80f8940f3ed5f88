import type { AssignerInput, Assignment } from './assigner-types';
import { gtCandidates, type GtCandidates } from './gt-candidates';
import { metricOf, overlapOf, selectHighestOverlaps } from './highest-overlaps';
import { selectTopk } from './topk-candidates';

export type { AssignerInput, Assignment } from './assigner-types';

/**
 * TaskAlignedAssigner (Feng et al., TOOD 2021) as in ultralytics 8.0.200 (TaskAlignedAssigner.forward), in
 * plain JS on detached copies of the predictions: the assignment carries no gradient, and scanning only
 * the anchors inside each box is far cheaper than the reference's dense [B, nMax, A] tensors.
 *
 * For each real gt box (per image):
 *   candidates, overlap, metric = score^alpha * overlap^beta     (get_box_metrics, gt-candidates.ts);
 *   picks = top-k anchors by metric, kept if inside the box     (select_topk_candidates, topk-candidates.ts).
 * An anchor picked by several gts goes to the gt with the highest overlap (select_highest_overlaps,
 * highest-overlaps.ts). Target score of a foreground anchor (forward's norm_align_metric), on the gt's
 * class only:
 *   w = metric * (max overlap of its gt) / (max metric of its gt + eps).
 *
 * Arithmetic follows the reference's float32 steps (Math.fround), so anchor rankings agree with it.
 */

const f = Math.fround;

export function assignTargets(inp: AssignerInput): Assignment {
  const { batch, anchors, gt, hyp } = inp;
  const A = anchors.count;
  const nMax = gt.nMax;
  const eps = f(hyp.eps);
  const topk = Math.min(hyp.topk, A);

  const outImage: number[] = [];
  const outAnchor: number[] = [];
  const outGt: number[] = [];
  const outLabel: number[] = [];
  const outWeight: number[] = [];
  const outBoxes: number[] = [];
  let tss = 0;

  const slot = new Int32Array(A).fill(-1); // [A] scratch of selectTopk, -1 between calls
  const count = new Int32Array(A); // [A] how many gts picked the anchor
  const owner = new Int32Array(A); // [A] the anchor's gt

  for (let b = 0; b < batch; b++) {
    if (nMax === 0) continue;
    // per gt: candidate anchors with their overlap and metric, and its top-k picks
    const cand: GtCandidates[] = [];
    const picks: number[][] = [];
    for (let g = 0; g < nMax; g++) {
      const c = gtCandidates(inp, b, g, eps);
      cand.push(c);
      picks.push(gt.valid[b * nMax + g] ? selectTopk(c.idx, c.metric, topk, slot) : []);
    }
    const fgSet = selectHighestOverlaps(picks, cand, count, owner);
    // per gt: max metric and max overlap over its assigned anchors
    const pam = new Float64Array(nMax);
    const pov = new Float64Array(nMax);
    for (const a of fgSet) {
      const g = owner[a];
      const ov = overlapOf(cand[g], a);
      const m = metricOf(cand[g], a);
      if (m > pam[g]) pam[g] = m;
      if (ov > pov[g]) pov[g] = ov;
    }
    for (const a of fgSet) {
      const g = owner[a];
      const m = metricOf(cand[g], a);
      const w = f(f(m * pov[g]) / f(pam[g] + eps));
      const j = b * nMax + g;
      outImage.push(b);
      outAnchor.push(a);
      outGt.push(g);
      outLabel.push(gt.labels[j]);
      outWeight.push(w);
      outBoxes.push(gt.boxes[j * 4], gt.boxes[j * 4 + 1], gt.boxes[j * 4 + 2], gt.boxes[j * 4 + 3]);
      tss += w;
    }
  }
  return {
    numFg: outAnchor.length,
    fgImage: Int32Array.from(outImage),
    fgAnchor: Int32Array.from(outAnchor),
    fgGt: Int32Array.from(outGt),
    fgLabel: Int32Array.from(outLabel),
    fgWeight: Float32Array.from(outWeight),
    targetBoxes: Float32Array.from(outBoxes),
    targetScoresSum: f(tss),
  };
}
