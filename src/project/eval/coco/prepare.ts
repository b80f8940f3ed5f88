/**
 * Turns validated COCO objects into flat typed arrays (the counterpart of pycocotools' COCO() + loadRes +
 * _prepare): ids become indices into the sorted image and category lists, and everything the hot loops read is
 * a typed array, so evaluate() creates no per-detection objects.
 */
import { CocoEvalParams, defaultParams } from './params';
import { CocoGt, CocoResult } from './types';
import { isCrowd } from './validate';

export interface PreparedGt {
  n: number;
  img: Int32Array; // [n] index into imgIds
  cat: Int32Array; // [n] index into catIds
  box: Float64Array; // [n*4] x, y, w, h
  /** The GT `area` field (pycocotools ranges GT by it, not by w*h). */
  area: Float64Array; // [n]
  crowd: Uint8Array; // [n]
  /** Annotation id; a match to id 0 counts as no match in pycocotools (dtMatches == 0), so it is kept. */
  id: Float64Array; // [n]
}

export interface PreparedDt {
  n: number;
  img: Int32Array; // [n]
  cat: Int32Array; // [n]
  box: Float64Array; // [n*4] x, y, w, h
  /** w*h, as loadRes sets it (negative for a negative-size box). */
  area: Float64Array; // [n]
  score: Float64Array; // [n]
}

export interface PreparedEval {
  params: CocoEvalParams;
  imgIds: number[]; // [I] sorted, unique
  catIds: number[]; // [K] sorted, unique
  gt: PreparedGt; // only annotations whose image and category are evaluated, in file order
  dt: PreparedDt; // only detections whose image and category are evaluated, in list order
}

export interface PrepareOptions {
  catIds?: number[];
  imgIds?: number[];
}

/** np.unique: sorted ascending, duplicates dropped. */
export function sortedUnique(ids: Iterable<number>): number[] {
  return Array.from(new Set(ids)).sort((a, b) => a - b);
}

function indexOf(ids: number[]): Map<number, number> {
  const m = new Map<number, number>();
  ids.forEach((id, i) => m.set(id, i));
  return m;
}

/** Inputs must have passed validateGt / validateResults. */
export function prepareCocoEval(gt: CocoGt, dt: CocoResult[], opts: PrepareOptions = {}): PreparedEval {
  const imgIds = sortedUnique(opts.imgIds ?? gt.images.map((im) => im.id));
  const catIds = sortedUnique(opts.catIds ?? gt.categories.map((c) => c.id));
  const imgIx = indexOf(imgIds);
  const catIx = indexOf(catIds);

  const anns = gt.annotations;
  const gKeep: number[] = [];
  for (let i = 0; i < anns.length; i++) {
    if (imgIx.has(anns[i].image_id) && catIx.has(anns[i].category_id)) gKeep.push(i);
  }
  const ng = gKeep.length;
  const g: PreparedGt = {
    n: ng,
    img: new Int32Array(ng),
    cat: new Int32Array(ng),
    box: new Float64Array(ng * 4),
    area: new Float64Array(ng),
    crowd: new Uint8Array(ng),
    id: new Float64Array(ng),
  };
  for (let j = 0; j < ng; j++) {
    const a = anns[gKeep[j]];
    g.img[j] = imgIx.get(a.image_id) as number;
    g.cat[j] = catIx.get(a.category_id) as number;
    g.box.set(a.bbox, j * 4);
    g.area[j] = a.area;
    g.crowd[j] = isCrowd(a) ? 1 : 0;
    g.id[j] = a.id;
  }

  let nd = 0;
  const dImg = new Int32Array(dt.length);
  const dCat = new Int32Array(dt.length);
  const dSrc = new Int32Array(dt.length);
  for (let i = 0; i < dt.length; i++) {
    const ii = imgIx.get(dt[i].image_id);
    const kk = catIx.get(dt[i].category_id);
    if (ii === undefined || kk === undefined) continue;
    dImg[nd] = ii;
    dCat[nd] = kk;
    dSrc[nd++] = i;
  }
  const d: PreparedDt = {
    n: nd,
    img: dImg.slice(0, nd),
    cat: dCat.slice(0, nd),
    box: new Float64Array(nd * 4),
    area: new Float64Array(nd),
    score: new Float64Array(nd),
  };
  for (let j = 0; j < nd; j++) {
    const r = dt[dSrc[j]];
    const b = r.bbox;
    d.box[j * 4] = b[0];
    d.box[j * 4 + 1] = b[1];
    d.box[j * 4 + 2] = b[2];
    d.box[j * 4 + 3] = b[3];
    d.area[j] = b[2] * b[3];
    d.score[j] = r.score;
  }
  return { params: defaultParams(), imgIds, catIds, gt: g, dt: d };
}
