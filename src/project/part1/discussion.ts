import type { ResultRow } from '../train/results-csv';

/** What the run produced, gathered by the notebook; the discussion is written from these numbers only. */
export interface RunFacts {
  synthetic: boolean;
  model: string;
  epochs: number;
  imgsz: number;
  images: { train: number; val: number; test: number };
  /** results.csv of the run. */
  rows: ResultRow[];
  test: { p: number; r: number; map50: number; map: number; perClass: { name: string; instances: number; map50: number; map: number }[] };
  /** COCOeval's 12 stats on the test split. */
  cocoStats: number[];
  /** Test confusion matrix counts, rows = predicted, columns = true, last row/column = background. */
  confusion: { names: string[]; counts: number[][] };
}

export interface DerivedFacts {
  firstMap50: number;
  lastMap50: number;
  bestMap50: number;
  bestEpoch: number;
  /** train box loss, first and last epoch, and the relative drop. */
  boxLoss: { first: number; last: number; drop: number };
  clsLoss: { first: number; last: number; drop: number };
  /** val box+cls+dfl: its minimum epoch and how far the last epoch is above it (relative). */
  valLoss: { minEpoch: number; aboveMin: number };
  /** mAP50 still improving in the last fifth of training. */
  stillImproving: boolean;
  bestClass?: { name: string; map50: number; instances: number };
  worstClass?: { name: string; map50: number; instances: number };
  /** The class predicted most often where there is no object (background false positives). */
  mostFalsePositives?: { name: string; count: number; total: number };
  /** The class whose objects were missed most often (predicted as background). */
  mostMissed?: { name: string; count: number; of: number };
  /** The largest confusion between two different classes. */
  topConfusion?: { truth: string; predicted: string; count: number };
  classesWithoutTestLabels: string[];
}

const drop = (a: number, b: number) => (a > 0 ? (a - b) / a : 0);

export function deriveFacts(f: RunFacts): DerivedFacts {
  const rows = f.rows;
  if (rows.length === 0) throw new Error('deriveFacts: the run has no results rows');
  const map50 = rows.map((r) => r['metrics/mAP50(B)']);
  let best = 0;
  for (let i = 1; i < rows.length; i++) if (map50[i] > map50[best]) best = i;
  const valSum = rows.map((r) => r['val/box_loss'] + r['val/cls_loss'] + r['val/dfl_loss']);
  let vmin = 0;
  for (let i = 1; i < rows.length; i++) if (valSum[i] < valSum[vmin]) vmin = i;
  const tail = Math.max(1, Math.floor(rows.length / 5));
  const beforeTail = Math.max(0, ...map50.slice(0, rows.length - tail));
  const withLabels = f.test.perClass.filter((c) => c.instances > 0);
  const sorted = [...withLabels].sort((a, b) => b.map50 - a.map50);
  const d: DerivedFacts = {
    firstMap50: map50[0],
    lastMap50: map50[rows.length - 1],
    bestMap50: map50[best],
    bestEpoch: rows[best].epoch,
    boxLoss: { first: rows[0]['train/box_loss'], last: rows[rows.length - 1]['train/box_loss'], drop: drop(rows[0]['train/box_loss'], rows[rows.length - 1]['train/box_loss']) },
    clsLoss: { first: rows[0]['train/cls_loss'], last: rows[rows.length - 1]['train/cls_loss'], drop: drop(rows[0]['train/cls_loss'], rows[rows.length - 1]['train/cls_loss']) },
    valLoss: { minEpoch: rows[vmin].epoch, aboveMin: valSum[vmin] > 0 ? valSum[rows.length - 1] / valSum[vmin] - 1 : 0 },
    stillImproving: rows.length > 1 && Math.max(...map50.slice(rows.length - tail)) > beforeTail,
    classesWithoutTestLabels: f.confusion.names.filter((_, i) => i < f.confusion.names.length - 1 && !withLabels.some((c) => c.name === f.confusion.names[i])),
  };
  if (sorted.length) {
    d.bestClass = { name: sorted[0].name, map50: sorted[0].map50, instances: sorted[0].instances };
    const w = sorted[sorted.length - 1];
    if (sorted.length > 1) d.worstClass = { name: w.name, map50: w.map50, instances: w.instances };
  }
  const m = f.confusion.counts;
  const nc = m.length - 1;
  if (nc > 0) {
    const bgCol = m.slice(0, nc).map((r) => r[nc]);
    const totalFp = bgCol.reduce((a, b) => a + b, 0);
    const k = bgCol.indexOf(Math.max(...bgCol));
    if (totalFp > 0) d.mostFalsePositives = { name: f.confusion.names[k], count: bgCol[k], total: totalFp };
    const missed = m[nc].slice(0, nc);
    const colSums = Array.from({ length: nc }, (_, j) => m.reduce((a, r) => a + r[j], 0));
    const j = missed.indexOf(Math.max(...missed));
    if (missed[j] > 0) d.mostMissed = { name: f.confusion.names[j], count: missed[j], of: colSums[j] };
    let top: DerivedFacts['topConfusion'];
    for (let p = 0; p < nc; p++) for (let t = 0; t < nc; t++) if (p !== t && m[p][t] > (top?.count ?? 0)) top = { truth: f.confusion.names[t], predicted: f.confusion.names[p], count: m[p][t] };
    d.topConfusion = top;
  }
  return d;
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const n3 = (x: number) => x.toFixed(3);

/** The Results and Discussion text, every number taken from the run. */
export function discussionMarkdown(f: RunFacts, d: DerivedFacts = deriveFacts(f)): string {
  const s = f.cocoStats;
  const para: string[] = [];
  para.push(
    `**Setup.** ${f.model} trained for ${f.rows.length} of ${f.epochs} epochs at ${f.imgsz}x${f.imgsz} on ${f.synthetic ? 'the SYNTHETIC TACO-mini' : 'TACO (detect-waste categories)'}: ` +
      `${f.images.train} training, ${f.images.val} validation and ${f.images.test} test images.` +
      (f.synthetic ? ' TACO-mini is generated for this project; its numbers show that the whole pipeline learns, not how well a detector does on real litter.' : ''),
  );
  const learned = d.bestMap50 > d.firstMap50 + 0.05;
  const trainFell = d.boxLoss.drop > 0;
  const rose =
    d.bestMap50 > d.firstMap50
      ? `Validation mAP50 rose from ${n3(d.firstMap50)} after the first epoch to ${n3(d.bestMap50)} at epoch ${d.bestEpoch} (last epoch ${n3(d.lastMap50)}): `
      : `Validation mAP50 stayed at ${n3(d.firstMap50)}: `;
  const trend = f.rows.length < 5 ? 'The run is too short to judge a plateau or overfitting. ' : d.stillImproving
    ? 'mAP50 was still improving in the last fifth of the run, so the curves have not reached a plateau and more epochs should help. '
    : 'mAP50 did not improve in the last fifth of the run: more epochs of the same schedule are unlikely to help much. ';
  const over = f.rows.length < 5 ? '' : d.valLoss.aboveMin > 0.1 && trainFell
    ? `The validation loss is ${pct(d.valLoss.aboveMin)} above its minimum (epoch ${d.valLoss.minEpoch}) while the training loss kept falling: a sign of overfitting to the training images.`
    : `The validation loss ends within ${pct(Math.max(d.valLoss.aboveMin, 0))} of its minimum (epoch ${d.valLoss.minEpoch})${trainFell ? ' while the training loss fell: no sign of overfitting yet.' : '.'}`;
  para.push(
    `**Training and validation.** The training box loss went from ${n3(d.boxLoss.first)} to ${n3(d.boxLoss.last)} (${trainFell ? '-' : '+'}${pct(Math.abs(d.boxLoss.drop))}) and the classification loss from ${n3(d.clsLoss.first)} to ${n3(d.clsLoss.last)}` +
      `${f.rows.length > 1 && f.rows.length <= 5 && !trainFell ? ' (early epochs: warmup and mosaic make the first losses noisy)' : ''}. ` +
      rose + (learned ? 'the model learned. ' : 'the model barely improved; train longer or check the data. ') + trend + over,
  );
  const cls =
    d.bestClass && d.worstClass
      ? ` Per class, ${d.bestClass.name} is found best (mAP50 ${n3(d.bestClass.map50)}, ${d.bestClass.instances} instances) and ${d.worstClass.name} worst (mAP50 ${n3(d.worstClass.map50)}, ${d.worstClass.instances} instances).`
      : '';
  const absent = d.classesWithoutTestLabels.length ? ` The test split has no labels of ${d.classesWithoutTestLabels.join(', ')}, so their columns of the confusion matrix are empty and they take no part in the means.` : '';
  para.push(`**Test set.** On the unseen test images: P ${n3(f.test.p)}, R ${n3(f.test.r)}, mAP50 ${n3(f.test.map50)}, mAP50-95 ${n3(f.test.map)}.${cls}${absent}`);
  const conf: string[] = [];
  if (d.mostFalsePositives) conf.push(`${d.mostFalsePositives.name} is the most over-predicted class: ${d.mostFalsePositives.count} of the ${d.mostFalsePositives.total} detections on background (conf > 0.25) carry its label`);
  if (d.mostMissed) conf.push(`${d.mostMissed.name} objects are missed most often (${d.mostMissed.count} of ${d.mostMissed.of} end up as background)`);
  if (d.topConfusion) conf.push(`the largest confusion between two classes is ${d.topConfusion.truth} predicted as ${d.topConfusion.predicted} (${d.topConfusion.count} times)`);
  if (conf.length) para.push(`**Confusion matrix (test).** ${conf.join('; ')}. Raising the confidence threshold removes background false positives at the cost of more missed objects, and the reverse.`);
  para.push(
    `**COCO evaluation (test).** AP@[.50:.95] ${n3(s[0])}, AP50 ${n3(s[1])}, AP75 ${n3(s[2])}; AR@100 ${n3(s[8])}` +
      (s[11] >= 0 ? `, and AR for large objects ${n3(s[11])}` : '') +
      `. pycocotools' AP50 (${n3(s[1])}) and the validator's mAP50 (${n3(f.test.map50)}) differ because COCO caps detections at 100 per image, ignores crowd regions and interpolates precision at 101 recall points over all images jointly. ` +
      (s[3] >= 0 && s[5] >= 0 ? `Small objects (AP ${n3(s[3])}) are harder than large ones (AP ${n3(s[5])}), as expected at ${f.imgsz}x${f.imgsz} input.` : ''),
  );
  return para.join('\n\n');
}
