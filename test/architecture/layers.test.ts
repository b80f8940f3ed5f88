import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The layering rules of .dependency-cruiser.js, checked with dependency-cruiser on src/: no import circles,
 * model/, loss/, train/, eval/, data/ and part1/ reach kernels only through the backend seams (backend/ops.ts,
 * backend/train-kernels.ts), the product layers never import the notebook layer or the benchmarks.
 */
const root = path.resolve(__dirname, '..', '..');

interface Violation { from: string; to: string; rule: { name: string }; cycle?: { name: string }[] }

test('dependency-cruiser finds no import circles and no imports across the layer rules', () => {
  const bin = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const r = spawnSync(process.execPath, [bin, 'src', '--config', '.dependency-cruiser.js', '--output-type', 'json'], { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.ok(r.stdout, `depcruise printed nothing: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  // A cruise that found nothing would pass every rule: make sure it read the source tree.
  assert.ok(out.summary.totalCruised > 200, `only ${out.summary.totalCruised} modules cruised`);
  const lines = out.summary.violations.map((v) =>
    `${v.rule.name}: ${v.from} -> ${v.to}` + (v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' -> ')})` : ''));
  assert.deepEqual(lines, []);
});

test('every source file stays under about 200 lines (220 at most)', () => {
  const long: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js)$/.test(e.name)) {
        const n = fs.readFileSync(p, 'utf8').split('\n').length;
        if (n > 220) long.push(`${path.relative(root, p)}: ${n} lines`);
      }
    }
  };
  walk(path.join(root, 'src'));
  assert.deepEqual(long, []);
});
