/**
 * COCOeval for bounding boxes, identical to pycocotools' `COCOeval(gt, dt, 'bbox')` with default params followed
 * by evaluate(), accumulate(), summarize(). The stages are exported separately for the benchmark.
 */
import { accumulateEval, Accumulated, Float64Nd } from './accumulate';
import { evaluatePrepared } from './evaluate';
import { CocoEvalParams } from './params';
import { prepareCocoEval } from './prepare';
import { perCategoryAp, summarizeEval } from './summarize';
import { CocoGt, CocoResult } from './types';
import { validateGt, validateResults } from './validate';

export interface CocoEvalOptions {
  /** Evaluate only these categories (pycocotools' params.catIds); default: all GT categories. */
  catIds?: number[];
  /** Evaluate only these images (params.imgIds); default: all GT images. */
  imgIds?: number[];
  /** Turn the documented warnings (unknown category, negative-size box, empty results) into errors. */
  strict?: boolean;
  /** Skip validation when the inputs come from readCocoGt / readCocoResults, which already validated them. */
  validated?: boolean;
  /** Names for error messages (file paths). */
  gtSource?: string;
  dtSource?: string;
}

export interface CocoEvalResult {
  /** COCOeval.stats: AP@[.5:.95], AP50, AP75, AP s/m/l, AR@1, AR@10, AR@100, AR s/m/l; -1 = no GT for it. */
  stats: number[]; // [12]
  /** AP@[.50:.95] (area all, maxDets 100) per category id; -1 for a category without GT. */
  perCategoryAp: Record<number, number>;
  precision: Float64Nd; // [T, R, K, A, M]
  recall: Float64Nd; // [T, K, A, M]
  catIds: number[]; // [K]
  imgIds: number[]; // [I]
  params: CocoEvalParams;
  warnings: string[];
  /** pycocotools' 12 summary lines, joined by newlines. */
  summarize(): string;
}

export function resultFromAccumulated(acc: Accumulated, catIds: number[], imgIds: number[], params: CocoEvalParams, warnings: string[]): CocoEvalResult {
  const sum = summarizeEval(acc, params);
  return {
    stats: sum.stats,
    perCategoryAp: perCategoryAp(acc, catIds, params),
    precision: acc.precision,
    recall: acc.recall,
    catIds,
    imgIds,
    params,
    warnings,
    summarize: () => sum.lines.join('\n'),
  };
}

export function cocoEvaluate(gt: CocoGt, dt: CocoResult[], opts: CocoEvalOptions = {}): CocoEvalResult {
  let warnings: string[] = [];
  if (!opts.validated) {
    validateGt(gt, opts.gtSource ?? 'ground truth');
    warnings = validateResults(dt, gt, opts.dtSource ?? 'results', { strict: opts.strict }).warnings;
  }
  const prep = prepareCocoEval(gt, dt, { catIds: opts.catIds, imgIds: opts.imgIds });
  const acc = accumulateEval(evaluatePrepared(prep), prep.params);
  return resultFromAccumulated(acc, prep.catIds, prep.imgIds, prep.params, warnings);
}
