import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const taco = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'taco.js'), ...args], { encoding: 'utf8', cwd: ROOT });

test('taco model summary --json gives params, gflops and the layers', () => {
  const r = taco(['model', 'summary', '--scale', 'm', '--nc', '7', '--imgsz', '320', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.params, 25_860_373);
  assert.ok(Math.abs(s.gflops * 4 - 78.70) < 0.02, String(s.gflops));
  assert.equal(s.rows.length, 23);
  assert.equal(s.rows[9].module, 'ultralytics.nn.modules.block.SPPF');
  const bad = taco(['model', 'summary', '--imgsz', '100']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /multiple of 32/);
});

test('taco model diagram writes an SVG with every layer and from-link', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-diagram-'));
  try {
    const out = path.join(dir, 'arch.svg');
    const r = taco(['model', 'diagram', '--scale', 's', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const svg = fs.readFileSync(out, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /YOLOv8s \(nc=7\): 11,138,309 parameters/);
    for (let i = 0; i < 22; i++) assert.match(svg, new RegExp(`>${i} (Conv|C2f|SPPF|Upsample|Concat)<`), `layer ${i}`);
    assert.equal((svg.match(/>22 Detect P\d\/\d+</g) ?? []).length, 3);
    // 22 layers with 4 two-input Concats and 3 Detect inputs: 22 + 4 + 3 arrows.
    assert.equal((svg.match(/marker-end="url\(#arrow\)"/g) ?? []).length, 29);
    assert.ok(!fs.existsSync(`${out}.tmp`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('imgs/yolov8-architecture.svg is the diagram of the current definition (regenerate: npx taco model diagram)', async () => {
  const { resolveYolov8 } = await import('../../src/project/model/definition');
  const { architectureSvg } = await import('../../src/project/model/diagram');
  const committed = fs.readFileSync(path.join(ROOT, 'imgs', 'yolov8-architecture.svg'), 'utf8');
  assert.equal(committed, architectureSvg(resolveYolov8('n', 7), { imgsz: 640 }));
});

test('taco bench train --json times every phase of a step', () => {
  const r = taco(['bench', 'train', '--models', 'n', '--imgsz', '64', '--batch', '1', '--steps', '1', '--warmup', '0', '--backend', 'wasm', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.backend, 'wasm');
  assert.equal(out.rows.length, 1);
  const row = out.rows[0];
  assert.equal(row.model, 'yolov8n');
  assert.ok(row.imagesPerSec > 0 && row.error === undefined);
  for (const k of ['forward', 'loss', 'backward', 'optimizer']) assert.ok(row.phases[k] > 0, k);
  const sum = row.phases.forward + row.phases.loss + row.phases.backward + row.phases.optimizer;
  assert.ok(Math.abs(sum - row.secPerStep) < 0.05 * row.secPerStep + 1e-3, 'the phases add up to the step');
  // PyTorch side by side by default: a ratio where python3-torch is installed, else the reason there is none.
  assert.ok(row.torch, 'no PyTorch entry');
  if ('ratio' in row.torch) assert.ok(row.torch.imagesPerSec > 0 && Math.abs(row.torch.ratio - row.imagesPerSec / row.torch.imagesPerSec) < 1e-9);
  else assert.match(row.torch.unavailable, /PyTorch|python/);
});
