import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allAnswers, answerById } from '../../src/answers';
import { CLAIMS, GIVENS } from '../../src/answers/claims';
import { checkSource } from './cell-sandbox';

/**
 * Every number an answer quotes as a result is claimed by a graded check, and that check's source
 * contains the number (as written, or as a JS literal: 1.47\times10^{-6} → 1.47e-6, 70{,}560{,}000 →
 * 70_560_000, 20% → 0.2), so it asserts it rather than merely printing it.
 */

/** The numbers that would need a check: decimals, grouped or 3+-digit integers, percentages, m×10^e. */
const NUMBER = /-?\d+(?:\.\d+)?\\times\s*10\^\{?-?\d+\}?|\d+(?:\{,\}\d{3})+|\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?%|\d+\.\d+|\d{3,}/g;

function prose(md: string): string {
  return md.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`]*`/g, ' ').replace(/\*\*\d\.\d/g, ' ');
}

function literals(token: string): string[] {
  const sci = /^(-?\d+(?:\.\d+)?)\\times\s*10\^\{?(-?\d+)\}?$/.exec(token);
  if (sci) return [`${sci[1]}e${sci[2]}`, `${sci[1]}e+${sci[2]}`];
  if (/\{,\}|,/.test(token)) return [token.replace(/\{,\}|,/g, '_'), token.replace(/\{,\}|,/g, '')];
  if (token.endsWith('%')) {
    const v = Number(token.slice(0, -1)) / 100;
    return [String(v), v.toFixed(2), String(Number(token.slice(0, -1)))];
  }
  const n = Number(token);
  return [token, String(n), ...(Number.isInteger(n) ? [] : [String(n).replace(/^0\./, '.')])];
}

test('every claim quotes its answer verbatim and names an existing graded check', () => {
  for (const [id, claims] of Object.entries(CLAIMS)) {
    const a = answerById(id);
    for (const cl of claims) {
      assert.ok(a.answer.includes(cl.quote), `${id}: the answer no longer says "${cl.quote}"`);
      assert.doesNotThrow(() => checkSource(cl.check), `${id}: no check ${cl.check}`);
    }
  }
  for (const [id, givens] of Object.entries(GIVENS)) for (const g of givens) assert.ok(answerById(id).answer.includes(g), `${id}: given "${g}" not in the answer`);
});

test('each claimed number appears in its check\'s assertions', () => {
  const missing: string[] = [];
  for (const [id, claims] of Object.entries(CLAIMS)) {
    for (const cl of claims) {
      const src = checkSource(cl.check);
      const givens = (GIVENS[id] ?? []).join(' ');
      for (const m of prose(cl.quote).matchAll(NUMBER)) {
        if (givens.includes(m[0])) continue; // a parameter inside the quote, not a result
        if (!literals(m[0]).some((l) => src.includes(l))) missing.push(`${id} / ${cl.check}: ${m[0]} (in "${cl.quote}")`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('no answer quotes a result number that no check asserts', () => {
  const unchecked: string[] = [];
  for (const a of allAnswers()) {
    let t = prose(a.answer);
    for (const q of [...(CLAIMS[a.id] ?? []).map((cl) => cl.quote), ...(GIVENS[a.id] ?? [])]) t = t.split(prose(q)).join(' ');
    for (const m of t.matchAll(NUMBER)) unchecked.push(`${a.id}: ${m[0]} … ${t.slice(Math.max(0, m.index! - 50), m.index! + 30).replace(/\n/g, ' ')}`);
  }
  assert.deepEqual(unchecked, []);
});
