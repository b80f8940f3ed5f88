/** Reads COCO ground-truth and results JSON files, with errors that name the file. */
import * as fs from 'node:fs';
import { CocoGt, CocoInputError } from './types';
import { validateGt, validateResults, ValidatedResults, ValidateOptions } from './validate';

/**
 * Why `buf` is not text (a NUL or another control character, or bytes that are not UTF-8, in its first
 * 64 KiB), or undefined. JSON is text: random or binary data is told as such here, instead of by whatever
 * JSON.parse trips on.
 */
function notText(buf: Buffer): string | undefined {
  const head = buf.subarray(0, 65536);
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) return `control byte 0x${c.toString(16).padStart(2, '0')} at byte ${i}`;
  }
  try {
    // stream: a character cut at the 64 KiB edge is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length < buf.length });
  } catch {
    return 'bytes that are not UTF-8';
  }
  return undefined;
}

/** JSON that would parse but for bare NaN / Infinity tokens (Python's json.dump writes them). */
function onlyNonFinite(text: string): boolean {
  if (!/\b(NaN|-?Infinity)\b/.test(text)) return false;
  try {
    JSON.parse(text.replace(/("(?:[^"\\]|\\.)*")|-?\bInfinity\b|\bNaN\b/g, (m, str: string | undefined) => str ?? 'null'));
    return true;
  } catch {
    return false;
  }
}

export function readJsonFile(file: string, what: string): unknown {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new CocoInputError(`${file}: cannot read the ${what} file (${(e as Error).message})`);
  }
  const why = notText(buf);
  if (why) throw new CocoInputError(`${file}: the ${what} file is not JSON text (${why}): is it the right file?`);
  const text = buf.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    const hint = onlyNonFinite(text) ? ' (it contains NaN or Infinity: Python writes them for non-finite floats, but they are not JSON; fix the writer)' : '';
    throw new CocoInputError(`${file}: the ${what} file is not valid JSON: ${(e as Error).message}${hint}`);
  }
}

export function readCocoGt(file: string): CocoGt {
  return validateGt(readJsonFile(file, 'COCO ground-truth'), file);
}

export function readCocoResults(file: string, gt: CocoGt, opts: ValidateOptions = {}): ValidatedResults {
  return validateResults(readJsonFile(file, 'COCO results'), gt, file, opts);
}
