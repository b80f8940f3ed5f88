/**
 * Case 3: no silent drops. `val`, `predict` and `data stats` count the inputs they skip, print one warning
 * per skipped file, record them in their JSON outputs, and `--strict` turns a skip into a failure that
 * names the first bad file. `taco val` used to report `all 1 6` for a split of 2 images and 10 instances,
 * exit 0 and say nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TINY_TRAIN, cleanup, escapeRe, expectCase, images, killStarted, markInputs, picture, sandbox, Sandbox, taco, tinyDataset } from './helpers';

let weights = '';
let clean: Sandbox;

before(async () => {
  // Weights from a one-epoch run on a clean dataset: any model will do, the faults are in the inputs.
  clean = sandbox('weights');
  const data = await tinyDataset(path.join(clean.inDir, 'ds'), { train: images(4), val: images(1, 'v') });
  const r = await taco(['train', '--data', data, ...TINY_TRAIN, '--epochs', '1', '--no-val', '--project', clean.outDir, '--name', 'w'], { cwd: clean.root, timeoutMs: 180_000 });
  assert.equal(r.status, 0, r.out);
  weights = path.join(clean.outDir, 'w', 'weights', 'last.safetensors');
  assert.ok(fs.existsSync(weights), r.out);
});

after(() => {
  killStarted();
  cleanup(clean);
});

/** A val split of 2 good pictures (5 boxes each), one that is not a picture at all and one cut in half. */
async function dirtyDataset(sb: Sandbox): Promise<{ data: string; dir: string }> {
  const pic = await picture();
  const five = Array.from({ length: 5 }, () => '0 0.5 0.5 0.4 0.4').join('\n') + '\n';
  const ds = path.join(sb.inDir, 'ds');
  const data = await tinyDataset(ds, {
    train: images(1),
    val: [
      { name: 'bad.jpg', bytes: Buffer.from('not a picture at all, just text that ends in .jpg') },
      { name: 'cut.jpg', bytes: pic.subarray(0, pic.length >> 1) },
      { name: 'v0.jpg', label: five },
      { name: 'v1.jpg', label: five },
    ],
  });
  return { data, dir: path.join(ds, 'images', 'val') };
}

test('val: unreadable pictures are warned about by name, counted, and recorded in metrics.json and --json', async () => {
  const sb = sandbox('val-skip');
  try {
    const { data, dir } = await dirtyDataset(sb);
    markInputs(sb);
    const r = await taco(['val', '--weights', weights, '--data', data, '--imgsz', '64', '--batch', '4', '--backend', 'wasm', '--project', sb.outDir, '--name', 'v', '--json'], { cwd: sb.root, timeoutMs: 120_000 });
    await expectCase(sb, r, { status: 0, message: new RegExp(`${escapeRe(path.join(dir, 'bad.jpg'))}`) });
    assert.match(r.stderr, new RegExp(`${escapeRe(path.join(dir, 'cut.jpg'))}`), r.stderr);
    const metrics = JSON.parse(fs.readFileSync(path.join(sb.outDir, 'v', 'metrics.json'), 'utf8'));
    assert.deepEqual(metrics.skipped.map((s: { file: string }) => path.basename(s.file)).sort(), ['bad.jpg', 'cut.jpg']);
    assert.equal(metrics.metrics.images, 2);
    assert.equal(metrics.metrics.instances, 10);
    const printed = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    assert.equal(printed.skipped.length, 2);
  } finally {
    cleanup(sb);
  }
});

test('val --strict: the first unreadable picture is an error naming it; no metrics are written', async () => {
  const sb = sandbox('val-strict');
  try {
    const { data, dir } = await dirtyDataset(sb);
    markInputs(sb);
    const r = await taco(['val', '--weights', weights, '--data', data, '--imgsz', '64', '--backend', 'wasm', '--project', sb.outDir, '--name', 'v', '--strict'], { cwd: sb.root, timeoutMs: 120_000 });
    await expectCase(sb, r, { status: 1, message: new RegExp(`${escapeRe(path.join(dir, 'bad.jpg'))}`) });
    assert.ok(!fs.existsSync(path.join(sb.outDir, 'v', 'metrics.json')), 'metrics.json written by a failed --strict run');
  } finally {
    cleanup(sb);
  }
});

test('predict: unreadable pictures are warned about, listed in --json; --strict fails naming the first', async () => {
  const sb = sandbox('predict-skip');
  try {
    const { dir } = await dirtyDataset(sb);
    markInputs(sb);
    const r = await taco(['predict', '--weights', weights, '--source', dir, '--imgsz', '64', '--backend', 'wasm', '--project', sb.outDir, '--name', 'p', '--json'], { cwd: sb.root, timeoutMs: 120_000 });
    await expectCase(sb, r, { status: 0, message: new RegExp(`${escapeRe(path.join(dir, 'bad.jpg'))}`) });
    assert.match(r.stderr, /cut\.jpg/);
    const printed = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    assert.deepEqual(printed.skipped.map((s: { file: string }) => path.basename(s.file)).sort(), ['bad.jpg', 'cut.jpg']);
    assert.equal(printed.images.length, 2);
    const strict = await taco(['predict', '--weights', weights, '--source', dir, '--imgsz', '64', '--backend', 'wasm', '--project', sb.outDir, '--name', 'p2', '--strict'], { cwd: sb.root, timeoutMs: 120_000 });
    await expectCase(sb, strict, { status: 1, message: new RegExp(`${escapeRe(path.join(dir, 'bad.jpg'))}`) });
  } finally {
    cleanup(sb);
  }
});

test('data stats: a missing split file and pictures missing from images/ are warned about and counted; --strict fails', async () => {
  const sb = sandbox('stats-skip');
  try {
    const ds = path.join(sb.inDir, 'ds');
    const prep = await taco(['data', 'prepare', '--out', ds, '--mini-size', '12', '--imgsz', '64'], { cwd: sb.root, timeoutMs: 120_000 });
    assert.equal(prep.status, 0, prep.out);
    const gone = fs.readdirSync(path.join(ds, 'images', 'train')).sort()[0];
    fs.rmSync(path.join(ds, 'images', 'train', gone));
    fs.rmSync(path.join(ds, 'coco', 'test_original.json'));
    markInputs(sb);
    const r = await taco(['data', 'stats', '--data', ds, '--json'], { cwd: sb.root, timeoutMs: 60_000 });
    await expectCase(sb, r, { status: 0, message: new RegExp(escapeRe(gone)) });
    assert.match(r.stderr, /test_original\.json/);
    const st = JSON.parse(r.stdout);
    assert.equal(st.skipped.length, 2, JSON.stringify(st.skipped));
    assert.ok(st.train.images > 0);
    const strict = await taco(['data', 'stats', '--data', ds, '--strict'], { cwd: sb.root, timeoutMs: 60_000 });
    await expectCase(sb, strict, { status: 1, message: /test_original\.json|missing/ });
  } finally {
    cleanup(sb);
  }
});
