/**
 * ultralytics 8.0.200 TaskAlignedAssigner.select_topk_candidates for one gt: the top-k anchors by align
 * metric over ALL anchors (torch.topk), then masked to the gt's in-box candidates (mask_in_gts).
 */

/**
 * Top-k anchors of one gt by metric, restricted to its candidates (`idx`, ascending anchor indices).
 * Non-candidates have metric 0; when fewer than k metrics are positive, the rest of the top-k are
 * zero-metric anchors taken from the lowest anchor index (a tie-break: such anchors get weight 0),
 * and only those that are candidates survive the reference's in-box mask. `slot` is [A] scratch, all -1
 * on entry and on return. Returns the picked anchors, ascending.
 */
export function selectTopk(idx: Int32Array, metric: Float32Array, k: number, slot: Int32Array): number[] {
  const pos: number[] = [];
  for (let i = 0; i < idx.length; i++) if (metric[i] > 0) pos.push(i);
  // -1/0/1 and index differences (small integers), not a float difference: that one was boxed on every comparison
  pos.sort((x, y) => (metric[y] > metric[x] ? 1 : metric[y] < metric[x] ? -1 : idx[x] - idx[y]));
  const out = pos.slice(0, k).map((i) => idx[i]);
  if (out.length < k) {
    for (let i = 0; i < idx.length; i++) slot[idx[i]] = metric[i] > 0 ? 1 : 0;
    let need = k - out.length;
    for (let a = 0; need > 0 && a < slot.length; a++) {
      if (slot[a] === 1) continue; // positive metric: already ranked above
      need--;
      if (slot[a] === 0) out.push(a); // a zero-metric candidate inside the box
    }
    for (let i = 0; i < idx.length; i++) slot[idx[i]] = -1;
  }
  return out.sort((x, y) => x - y);
}
