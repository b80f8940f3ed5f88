import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as ts from 'typescript';
import { NOTEBOOK_IMPORTS, buildPart2Notebook } from '../../src/answers/part2-notebook';

/**
 * Runs one graded cell of the Part 2 notebook, its own source, outside the kernel: the names the setup
 * cell imports are bound to the same modules, and `overrides` replaces some of them, so a test can hand
 * the check a deliberately broken demo and see it fail. Output helpers are silenced.
 */

const NOTEBOOKS = path.resolve(__dirname, '..', '..', 'notebooks');

function scope(): Record<string, unknown> {
  const s: Record<string, unknown> = { assert, tf };
  for (const [from, names] of NOTEBOOK_IMPORTS) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(path.resolve(NOTEBOOKS, from)) as Record<string, unknown>;
    for (const n of names) s[n] = mod[n];
  }
  return { ...s, show: () => undefined, console: { ...console, log: () => undefined } };
}

export function checkSource(gradeId: string): string {
  const nb = buildPart2Notebook() as unknown as { cells: { source: string[]; metadata: { nbgrader?: { grade_id: string } } }[] };
  const cell = nb.cells.find((c) => c.metadata.nbgrader?.grade_id === gradeId);
  if (!cell) throw new Error(`no graded cell "${gradeId}"`);
  return cell.source.join('');
}

/** Runs the check `gradeId` with some imported names replaced; rejects with whatever the cell throws. */
export async function runCheck(gradeId: string, overrides: Record<string, unknown> = {}): Promise<void> {
  const js = ts.transpileModule(`async function __cell() {\n${checkSource(gradeId)}\n}`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  const names = { ...scope(), ...overrides };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const run = new Function(...Object.keys(names), `${js}\nreturn __cell();`) as (...a: unknown[]) => Promise<void>;
  await run(...Object.values(names));
}
