import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareDataset } from '../../src/project/data/prepare';
import { readResults } from '../../src/project/train/results-csv';
import { train } from '../../src/project/train/trainer';

const ROOT = path.resolve(__dirname, '..', '..');
const TACO = path.join(ROOT, 'bin', 'taco.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-train-'));
let dataYaml = '';

async function dataset(): Promise<string> {
  if (!dataYaml) dataYaml = (await prepareDataset({ out: path.join(tmp, 'mini'), imgsz: 128 })).outputs.dataYaml;
  return dataYaml;
}

const quiet = { log: () => {} };
const common = ['--model', 'yolov8n', '--imgsz', '64', '--batch', '8', '--backend', 'wasm', '--seed', '3'];

test('a run writes args.json, results.csv with ultralytics columns, last/best checkpoints; names never collide', async () => {
  const data = await dataset();
  const project = path.join(tmp, 'runs');
  const r = await train({ data, model: 'yolov8n', epochs: 2, imgsz: 64, batch: 8, backend: 'wasm', project, name: 'exp' }, quiet);
  assert.equal(r.runDir, path.join(project, 'exp'));
  const rows = readResults(path.join(r.runDir, 'results.csv'));
  assert.deepEqual(rows.map((x) => x.epoch), [1, 2]);
  for (const row of rows) for (const k of ['train/box_loss', 'train/cls_loss', 'train/dfl_loss', 'val/box_loss']) assert.ok(Number.isFinite(row[k as 'train/box_loss']) && row[k as 'train/box_loss'] > 0, k);
  for (const f of ['last.safetensors', 'last.state.safetensors', 'last.json', 'best.safetensors', 'best.json']) assert.ok(fs.existsSync(path.join(r.runDir, 'weights', f)), f);
  const args = JSON.parse(fs.readFileSync(path.join(r.runDir, 'args.json'), 'utf8'));
  assert.equal(args.imgsz, 64);
  assert.equal(args.backend, 'wasm');
  const r2 = await train({ data, model: 'yolov8n', epochs: 1, imgsz: 64, batch: 8, backend: 'wasm', project, name: 'exp', val: false, maxBatches: 1 }, quiet);
  assert.equal(r2.runDir, path.join(project, 'exp2'));
});

test('resume after SIGKILL mid-epoch continues from the last complete epoch and matches an uninterrupted run', async () => {
  const data = await dataset();
  const project = path.join(tmp, 'resume');
  const ref = spawnSync(process.execPath, [TACO, 'train', '--data', data, ...common, '--epochs', '3', '--project', project, '--name', 'ref'], { encoding: 'utf8' });
  assert.equal(ref.status, 0, ref.stderr);
  const refRows = readResults(path.join(project, 'ref', 'results.csv'));
  assert.equal(refRows.length, 3);

  const runDir = path.join(project, 'killed');
  const child = spawn(process.execPath, [TACO, 'train', '--data', data, ...common, '--epochs', '3', '--project', project, '--name', 'killed'], { stdio: 'ignore', detached: true });
  // Wait for epoch 1's checkpoint, then kill in the middle of epoch 2 (the whole process group: bin/taco.js spawns node).
  const last = path.join(runDir, 'weights', 'last.json');
  const t0 = Date.now();
  while (!fs.existsSync(last)) {
    if (Date.now() - t0 > 120_000) throw new Error('no checkpoint after 120 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300));
  process.kill(-child.pid!, 'SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const before = readResults(path.join(runDir, 'results.csv'));
  assert.ok(before.length >= 1 && before.length < 3, `killed run had ${before.length} rows`);

  const res = spawnSync(process.execPath, [TACO, 'train', '--resume', runDir, '--backend', 'wasm'], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout, /resume: from epoch/);
  const rows = readResults(path.join(runDir, 'results.csv'));
  assert.deepEqual(rows.map((r) => r.epoch), [1, 2, 3]);
  // Same seed, same data, same state: the resumed run reproduces the uninterrupted one.
  for (let i = 0; i < 3; i++) {
    for (const k of ['train/box_loss', 'train/cls_loss', 'val/box_loss', 'lr/pg1'] as const) {
      const a = rows[i][k], b = refRows[i][k];
      assert.ok(Math.abs(a - b) <= 1e-3 * Math.max(1, Math.abs(b)), `epoch ${i + 1} ${k}: resumed ${a} vs uninterrupted ${b}`);
    }
  }
});

test('bad input: missing data.yaml, and a corrupt image is skipped and counted, never fatal', async () => {
  await assert.rejects(train({ data: path.join(tmp, 'nope', 'data.yaml'), epochs: 1, imgsz: 64, batch: 8, backend: 'wasm', project: path.join(tmp, 'bad') }, quiet), /nope[/\\]data\.yaml: data\.yaml not found/);
  const data = await dataset();
  const copy = path.join(tmp, 'corrupt');
  fs.cpSync(path.dirname(data), copy, { recursive: true });
  const trainDir = path.join(copy, 'images', 'train');
  const victim = fs.readdirSync(trainDir).sort()[0];
  fs.writeFileSync(path.join(trainDir, victim), Buffer.from('not a jpeg at all'));
  const warnings: string[] = [];
  const r = await train({ data: path.join(copy, 'data.yaml'), epochs: 1, imgsz: 64, batch: 8, backend: 'wasm', project: path.join(tmp, 'bad'), val: false }, { log: (l) => warnings.push(l) });
  assert.equal(r.skippedImages, 1);
  assert.ok(warnings.some((w) => w.includes(victim) && /skipped/.test(w)), warnings.join('\n'));
});

test('a NaN loss stops the run with a message naming the batch and its images', async () => {
  const data = await dataset();
  await assert.rejects(
    train({ data, model: 'yolov8n', epochs: 3, imgsz: 64, batch: 8, nbs: 8, backend: 'wasm', project: path.join(tmp, 'nan'), optimizer: 'SGD', lr0: 1e30, warmupEpochs: 0, val: false }, quiet),
    (e: Error) => /loss is (NaN|-?Infinity) at epoch \d+, batch \d+ \(images: .*\.jpg/.test(e.message) && /last good checkpoint/.test(e.message),
  );
});

test('train --show-batch saves train_batch0.jpg with the augmented batch', () => {
  const project = path.join(tmp, 'show');
  const r = spawnSync(process.execPath, [TACO, 'train', '--data', dataYaml, '--imgsz', '128', '--batch', '4', '--show-batch', '--project', project], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = path.join(project, 'exp', 'train_batch0.jpg');
  assert.ok(fs.existsSync(out));
  const bytes = fs.readFileSync(out);
  assert.equal(bytes[0], 0xff);
  assert.equal(bytes[1], 0xd8);
});

test('train --help lists the ultralytics options', () => {
  const r = spawnSync(process.execPath, [TACO, 'train', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  for (const o of ['--data', '--model', '--epochs', '--imgsz', '--batch', '--weights', '--backend', '--resume', '--patience']) assert.ok(r.stdout.includes(o), o);
});
