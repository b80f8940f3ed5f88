/**
 * Checks parsed COCO JSON before evaluation, so bad input fails with the file and the offending entry named
 * instead of a NaN deep inside the matcher.
 *
 * Handling, by case (pycocotools' behaviour in brackets):
 * - result naming an image id absent from the GT images: error [loadRes asserts];
 * - result naming a category id absent from the GT categories: ignored with a warning, error with `strict`
 *   [silently ignored; the `category_mismatch` fixture relies on it];
 * - score NaN, non-numeric or negative, bbox not 4 finite numbers, missing field: error [crashes or garbage];
 * - box with negative width or height: kept with a warning, error with `strict` [kept: its w*h is negative, so it
 *   never overlaps anything and lies outside every area range; the `degenerate_boxes` fixture relies on it];
 * - empty results list: evaluated as "no detections" (AP and AR 0 where there is GT, -1 where there is none)
 *   with a warning, error with `strict` [loadRes crashes with IndexError on `anns[0]`];
 * - GT: duplicate annotation ids are an error [pycocotools silently keeps the last one twice]; a missing
 *   `iscrowd` counts as 0; a missing `area` is an error (it is not w*h for segmented GT).
 */
import { CocoAnnotation, CocoGt, CocoInputError, CocoResult } from './types';

export interface ValidateOptions {
  /** Turn the warnings (unknown category, negative-size box, empty list) into errors. */
  strict?: boolean;
}

export interface ValidatedResults {
  results: CocoResult[];
  warnings: string[];
}

function show(entry: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(entry);
  } catch {
    s = String(entry);
  }
  if (s === undefined) s = String(entry);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isBox(v: unknown): v is [number, number, number, number] {
  return Array.isArray(v) && v.length === 4 && isNum(v[0]) && isNum(v[1]) && isNum(v[2]) && isNum(v[3]);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(source: string, where: string, entry: unknown, problem: string): never {
  throw new CocoInputError(`${source}: ${where} ${show(entry)}: ${problem}`);
}

function checkIdList(source: string, list: unknown, name: string): Array<Record<string, unknown>> {
  if (!Array.isArray(list)) throw new CocoInputError(`${source}: "${name}" must be an array (COCO ground truth)`);
  list.forEach((e, i) => {
    if (!isObject(e)) fail(source, `${name}[${i}]`, e, 'is not an object');
    if (!isNum(e.id)) fail(source, `${name}[${i}]`, e, '"id" must be a finite number');
  });
  return list as Array<Record<string, unknown>>;
}

/** Validates a COCO ground-truth object; returns it typed (not copied). */
export function validateGt(raw: unknown, source: string): CocoGt {
  if (!isObject(raw)) throw new CocoInputError(`${source}: COCO ground truth must be a JSON object with images, annotations and categories`);
  checkIdList(source, raw.images, 'images');
  checkIdList(source, raw.categories, 'categories');
  if (!Array.isArray(raw.annotations)) throw new CocoInputError(`${source}: "annotations" must be an array (COCO ground truth)`);
  const seen = new Map<number, number>();
  (raw.annotations as unknown[]).forEach((a, i) => {
    const where = `annotations[${i}]`;
    if (!isObject(a)) fail(source, where, a, 'is not an object');
    for (const f of ['id', 'image_id', 'category_id', 'area']) {
      if (!(f in a)) fail(source, where, a, `missing field "${f}"`);
      if (!isNum(a[f])) fail(source, where, a, `"${f}" must be a finite number`);
    }
    if (!isBox(a.bbox)) fail(source, where, a, '"bbox" must be [x, y, w, h] of 4 finite numbers');
    const c = a.iscrowd;
    if (c !== undefined && c !== 0 && c !== 1 && c !== true && c !== false) fail(source, where, a, '"iscrowd" must be 0 or 1');
    const id = a.id as number;
    const prev = seen.get(id);
    if (prev !== undefined) fail(source, where, a, `duplicate annotation id ${id} (also annotations[${prev}])`);
    seen.set(id, i);
  });
  return raw as unknown as CocoGt;
}

/** Validates a COCO results list against its ground truth; see the file comment for each case's handling. */
export function validateResults(raw: unknown, gt: CocoGt, source: string, opts: ValidateOptions = {}): ValidatedResults {
  if (!Array.isArray(raw)) throw new CocoInputError(`${source}: a COCO results file must be a JSON array of {image_id, category_id, bbox, score}`);
  const warnings: string[] = [];
  const warn = (msg: string): void => {
    if (opts.strict) throw new CocoInputError(`${source}: ${msg} (an error under --strict)`);
    warnings.push(`${source}: ${msg}`);
  };
  if (raw.length === 0) {
    warn('the results list is empty: evaluated as no detections (AP/AR 0 where there is GT, -1 where there is none); pycocotools would crash on it');
    return { results: [], warnings };
  }
  const imgIds = new Set(gt.images.map((im) => im.id));
  const catIds = new Set(gt.categories.map((c) => c.id));
  let unknownCat = 0;
  let firstUnknownCat = -1;
  let negSize = 0;
  let firstNegSize = -1;
  for (let i = 0; i < raw.length; i++) {
    const d: unknown = raw[i];
    const where = `results[${i}] (detection id ${i + 1})`;
    if (!isObject(d)) fail(source, where, d, 'is not an object');
    for (const f of ['image_id', 'category_id', 'bbox', 'score']) if (!(f in d)) fail(source, where, d, `missing field "${f}"`);
    if (!isNum(d.image_id)) fail(source, where, d, '"image_id" must be a finite number');
    if (!isNum(d.category_id)) fail(source, where, d, '"category_id" must be a finite number');
    if (typeof d.score !== 'number' || Number.isNaN(d.score)) fail(source, where, d, '"score" must be a number (got NaN or a non-number)');
    if (!Number.isFinite(d.score) || d.score < 0) fail(source, where, d, `"score" must be finite and >= 0 (got ${d.score})`);
    if (!isBox(d.bbox)) fail(source, where, d, '"bbox" must be [x, y, w, h] of 4 finite numbers');
    if (!imgIds.has(d.image_id)) {
      fail(source, where, d, `image_id ${d.image_id} is not among the GT images (pycocotools refuses such results: "Results do not correspond to current coco set")`);
    }
    if (!catIds.has(d.category_id)) {
      if (unknownCat++ === 0) firstUnknownCat = i;
    }
    const b = d.bbox as number[];
    if (b[2] < 0 || b[3] < 0) {
      if (negSize++ === 0) firstNegSize = i;
    }
  }
  if (unknownCat > 0) {
    const e = raw[firstUnknownCat] as CocoResult;
    warn(`${unknownCat} detection(s) name a category id absent from the GT categories, e.g. results[${firstUnknownCat}] category_id ${e.category_id}: ignored, as pycocotools does`);
  }
  if (negSize > 0) {
    warn(`${negSize} detection(s) have a negative width or height, e.g. results[${firstNegSize}] ${show(raw[firstNegSize])}: kept as pycocotools does (they match nothing and are ignored outside every area range)`);
  }
  return { results: raw as CocoResult[], warnings };
}

/** True when the GT annotation is a crowd region (pycocotools: `'iscrowd' in gt and gt['iscrowd']`). */
export function isCrowd(a: CocoAnnotation): boolean {
  return a.iscrowd === 1 || a.iscrowd === true;
}
