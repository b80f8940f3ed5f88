/** Reads COCO ground-truth and results JSON files, with errors that name the file. */
import * as fs from 'node:fs';
import { CocoGt, CocoInputError } from './types';
import { validateGt, validateResults, ValidatedResults, ValidateOptions } from './validate';

export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CocoInputError(`${file}: cannot read the ${what} file (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const hint = /\b(NaN|-?Infinity)\b/.test(text)
      ? ' (it contains NaN or Infinity: Python writes them for non-finite floats, but they are not JSON; fix the writer)'
      : '';
    throw new CocoInputError(`${file}: the ${what} file is not valid JSON: ${(e as Error).message}${hint}`);
  }
}

export function readCocoGt(file: string): CocoGt {
  return validateGt(readJsonFile(file, 'COCO ground-truth'), file);
}

export function readCocoResults(file: string, gt: CocoGt, opts: ValidateOptions = {}): ValidatedResults {
  return validateResults(readJsonFile(file, 'COCO results'), gt, file, opts);
}
