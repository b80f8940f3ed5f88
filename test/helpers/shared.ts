import * as fs from 'node:fs';
import * as path from 'node:path';

/** `../shared` beside the project (read-only course material and fixtures); absent in a user's clone. */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', 'shared');

/** Path inside ../shared, or undefined (and the test should skip, saying so) when it is absent. */
export function sharedPath(...parts: string[]): string | undefined {
  const p = path.join(SHARED_DIR, ...parts);
  return fs.existsSync(p) ? p : undefined;
}

export function skipReason(what: string): string {
  return `../shared/${what} is absent (a user's clone has no ../shared): skipped`;
}

/** The golden fixtures of ultralytics, pycocotools and PyTorch, copied from ../shared/fixtures with their READMEs. */
export function fixturePath(...parts: string[]): string {
  return path.join(__dirname, '..', 'fixtures', ...parts);
}
