import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchDataPipeline, DEFAULT_PYTHON, findPillow, formatBenchData, spread } from '../../src/bench/data';

// Small sources keep these runs to a second or two; the figures themselves are the CLI's business.
const SMALL = { images: 3, rounds: 1, width: 408, height: 544, imgsz: 96, variants: 2 };

test('spread: median of odd and even counts, min and max, values kept in order', () => {
  assert.deepEqual(spread([3, 1, 2]), { median: 2, min: 1, max: 3, values: [3, 1, 2] });
  assert.equal(spread([4, 1, 3, 2]).median, 2.5);
  assert.ok(Number.isNaN(spread([]).median));
});

test('without Pillow the bench says so and reports ours only', async () => {
  const missing = path.join(os.tmpdir(), 'taco-no-such-python', 'python3');
  const before = new Set(fs.readdirSync(os.tmpdir()));
  const r = await benchDataPipeline({ ...SMALL, python: missing });
  assert.equal(r.pillow.available, false);
  assert.match(r.pillow.reason ?? '', /not found.*python3-pil/);
  assert.equal(r.pillow.sequential, undefined);
  assert.equal(r.ratio.vsPillowSequential, undefined);
  assert.equal(r.goal.met, undefined);
  assert.ok(r.ours.imagesPerSecond.median > 0 && r.ours.cpuMsPerImage.median > 0);
  assert.equal(r.ours.imagesPerSecond.values.length, 1);
  assert.equal(r.ours.orientationCorrect, true);
  const { table, lines } = formatBenchData(r);
  assert.deepEqual(Object.keys(table), ['sharp (taco-companion)']);
  assert.ok(lines.some((l) => l.startsWith('Pillow not measured:') && l.includes('python3-pil')));
  assert.deepEqual(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('taco-bench-data-') && !before.has(d)), [], 'temporary folder removed');
});

test('a Python without PIL is reported as such', async (t) => {
  if (!fs.existsSync(DEFAULT_PYTHON)) return t.skip(`${DEFAULT_PYTHON} absent`);
  // A python whose `import PIL` fails, whatever is installed.
  const fake = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'taco-fake-py-')), 'python3');
  fs.writeFileSync(fake, `#!/bin/sh\nexec ${DEFAULT_PYTHON} -I -c "raise SystemExit(1)"\n`, { mode: 0o755 });
  const p = await findPillow(fake);
  assert.equal(p.version, undefined);
  assert.match(p.reason ?? '', /has no Pillow.*apt-get install -y python3-pil/);
  fs.rmSync(path.dirname(fake), { recursive: true, force: true });
});

test('side by side with Pillow: both measured in the same run, both orient correctly, ratios per round', async (t) => {
  const pil = await findPillow(DEFAULT_PYTHON);
  if (!pil.version) return t.skip(`Pillow not available: ${pil.reason}`);
  const before = new Set(fs.readdirSync(os.tmpdir()));
  const r = await benchDataPipeline({ ...SMALL, rounds: 2, pillowProcesses: 2 });
  assert.equal(r.pillow.available, true);
  assert.equal(r.pillow.version, pil.version);
  const seq = r.pillow.sequential!, pool = r.pillow.pool!;
  for (const c of [r.ours, seq, pool]) {
    assert.equal(c.imagesPerSecond.values.length, 2, c.label);
    assert.ok(c.imagesPerSecond.min > 0 && c.imagesPerSecond.min <= c.imagesPerSecond.max, c.label);
    assert.ok(c.cpuMsPerImage.median > 0, c.label);
    assert.equal(c.orientationCorrect, true, c.label);
    assert.ok(c.outputBytes > 0, c.label);
  }
  assert.equal(pool.parallel, 2);
  const ratio = r.ratio.vsPillowSequential!;
  assert.equal(ratio.values.length, 2);
  // Per round, seconds of Pillow over seconds of ours equals the images/s ratio of that round.
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(ratio.values[i] - r.ours.imagesPerSecond.values[i] / seq.imagesPerSecond.values[i]) < 1e-9);
  assert.equal(r.goal.met, ratio.median >= 1.5);
  assert.ok(r.ratio.cpuPerImagePillowOverOurs! > 0);
  // Compatibility names read by `taco data bench`.
  assert.equal(r.imagesPerSecond, r.ours.imagesPerSecond.median);
  assert.equal(r.pillowReferenceImagesPerSecond, seq.imagesPerSecond.median);
  const { table, lines } = formatBenchData(r);
  assert.equal(Object.keys(table).length, 3);
  assert.ok(lines.some((l) => l.includes(`Pillow ${pil.version}`) && l.includes('the seed')));
  // Nothing left behind.
  assert.deepEqual(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('taco-bench-data-') && !before.has(d)), []);
});

test('orientation check is real: other EXIF orientations pass through both pipelines', async (t) => {
  const pil = await findPillow(DEFAULT_PYTHON);
  for (const o of [3, 8, 5] as const) {
    const r = await benchDataPipeline({ ...SMALL, images: 1, variants: 1, orientation: o, pillowProcesses: 0, python: pil.version ? DEFAULT_PYTHON : '/nonexistent/python3' });
    assert.equal(r.ours.orientationCorrect, true, `ours, orientation ${o}`);
    if (pil.version) assert.equal(r.pillow.sequential!.orientationCorrect, true, `Pillow, orientation ${o}`);
    assert.match(r.source, new RegExp(`EXIF orientation ${o}`));
  }
  if (!pil.version) t.diagnostic(`Pillow side not checked: ${pil.reason}`);
});
