/**
 * Where the inputs of `taco data prepare` live: TACO's data folder (batch_N/ + annotations.json) and the
 * detect-waste annotation files that split it. Both are found from what a user naturally passes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** TACO root or data folder -> the folder holding batch_N/ (and annotations.json). */
export function resolveTacoDataDir(taco: string): string {
  const d = path.join(taco, 'data');
  return fs.existsSync(path.join(d, 'annotations.json')) || fs.existsSync(path.join(d, 'batch_1')) ? d : taco;
}

export function findDetectWasteDir(tacoRoot: string, tacoDataDir: string): string | undefined {
  const cands = [path.join(tacoRoot, 'detect-waste'), path.join(tacoRoot, 'annotations'), tacoDataDir, tacoRoot, path.join(path.dirname(path.resolve(tacoRoot)), 'detect-waste')];
  return cands.find((c) => fs.existsSync(path.join(c, 'annotations_train.json')) && fs.existsSync(path.join(c, 'annotations_test.json')));
}
