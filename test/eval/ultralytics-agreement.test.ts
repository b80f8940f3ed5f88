/**
 * Agreement with real ultralytics 8.0.200 on real photos (../shared/real/reference): `taco predict` with
 * ultralytics' own yolov8n.pt in both of its modes (one picture per call: LetterBox auto; the 4 pictures in one
 * batch: square letterbox), and `taco val` on coco8 (rect batches of 8). Run as a user runs them: the CLI, in a
 * process of its own.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sharedPath, skipReason } from '../helpers/shared';

const ROOT = path.resolve(__dirname, '..', '..');
const REAL = sharedPath('real', 'reference', 'coco8-predict.json') ? path.dirname(path.dirname(sharedPath('real', 'reference', 'coco8-predict.json')!)) : undefined;
const skip = REAL ? false : skipReason('real/reference');

interface RefBox { xyxy: number[]; conf: number; cls: number }
interface RefImage { image: string; orig_shape_hw: [number, number]; input_shape_hw: [number, number]; boxes: RefBox[] }

function taco(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'taco.js'), ...args], { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `taco ${args.join(' ')} failed:\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

interface PredictJson { images: { file: string; width: number; height: number; input_shape_hw: number[]; boxes_xyxy: number[]; scores: number[]; classes: number[] }[] }

function compareImage(got: PredictJson['images'][number], ref: RefImage, what: string): void {
  assert.deepEqual([got.height, got.width], ref.orig_shape_hw, `${what}: original size`);
  assert.deepEqual(got.input_shape_hw, ref.input_shape_hw, `${what}: input shape`);
  assert.deepEqual(got.classes, ref.boxes.map((b) => b.cls), `${what}: the same detections, in the same order`);
  ref.boxes.forEach((b, k) => {
    assert.ok(Math.abs(got.scores[k] - b.conf) <= 1e-3, `${what} box ${k}: conf ${got.scores[k]} vs ${b.conf}`);
    for (let j = 0; j < 4; j++) {
      assert.ok(Math.abs(got.boxes_xyxy[k * 4 + j] - b.xyxy[j]) <= 0.5, `${what} box ${k}: xyxy ${got.boxes_xyxy.slice(k * 4, k * 4 + 4)} vs ${b.xyxy}`);
    }
  });
}

test('taco predict with ultralytics yolov8n.pt reproduces ultralytics 8.0.200 on the coco8 pictures, in both modes', { skip }, () => {
  const ref = JSON.parse(fs.readFileSync(path.join(REAL!, 'reference', 'coco8-predict.json'), 'utf8')) as Record<'rect_per_image' | 'square_batch', RefImage[]>;
  const weights = path.join(REAL!, 'weights', 'yolov8n.pt');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-agree-'));
  try {
    const source = path.join(REAL!, 'coco8', 'images', 'val');
    const common = ['predict', '--weights', weights, '--source', source, '--conf', '0.25', '--iou', '0.7', '--imgsz', '640', '--project', out, '--json'];
    // Default batch 1: each picture alone, LetterBox(auto=True) as ultralytics predicts a folder.
    const single = JSON.parse(taco(common).stdout) as PredictJson;
    // All 4 in one batch: their shapes differ, so the square 640x640 letterbox.
    const square = JSON.parse(taco([...common, '--batch', '4']).stdout) as PredictJson;
    for (const [mode, got] of [['rect_per_image', single], ['square_batch', square]] as const) {
      assert.equal(got.images.length, ref[mode].length);
      ref[mode].forEach((r) => {
        const g = got.images.find((x) => x.file.endsWith(path.basename(r.image)));
        assert.ok(g, `${mode}: ${r.image} predicted`);
        compareImage(g, r, `${mode} ${path.basename(r.image)}`);
      });
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('taco val with ultralytics yolov8n.pt gives ultralytics 8.0.200 metrics on coco8 (mAP50, mAP50-95, P, R, per class)', { skip }, () => {
  const ref = JSON.parse(fs.readFileSync(path.join(REAL!, 'reference', 'coco8-val.json'), 'utf8'));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-agree-'));
  try {
    const r = taco(['val', '--weights', path.join(REAL!, 'weights', 'yolov8n.pt'), '--data', path.join(REAL!, 'coco8', 'data.yaml'), '--batch', '8', '--project', out, '--json']);
    const m = JSON.parse(r.stdout).metrics;
    const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-3, `${what}: ${a} vs ultralytics ${b}`);
    near(m.map50, ref.map50, 'mAP50');
    near(m.map, ref.map50_95, 'mAP50-95');
    near(m.p, ref.mp, 'P');
    near(m.r, ref.mr, 'R');
    // Per class: every class with labels, by name, with its index.
    const rows = m.per_class as { classIndex: number; name: string; p: number; r: number; map50: number; map: number }[];
    const want = ref.per_class as Record<string, { cls: number; precision: number; recall: number; ap50: number; ap50_95: number }>;
    assert.deepEqual(rows.map((c) => c.name).sort(), Object.keys(want).sort(), 'the classes with labels');
    for (const c of rows) {
      const w = want[c.name];
      assert.equal(c.classIndex, w.cls);
      near(c.p, w.precision, `P of ${c.name}`);
      near(c.r, w.recall, `R of ${c.name}`);
      near(c.map50, w.ap50, `AP50 of ${c.name}`);
      near(c.map, w.ap50_95, `AP50-95 of ${c.name}`);
    }
    assert.equal(m.images, ref.n_images);
    assert.equal(m.instances, ref.n_instances);

  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('taco val on coco128val (held out from yolov8n training) gives the figures ultralytics 8.0.200 measured (issue 15)', { skip: sharedPath('real', 'coco128val', 'data.yaml') ? false : skipReason('real/coco128val') }, () => {
  // ultralytics' figures as the issue quotes them (batch 8, rect): P 0.658, R 0.520, mAP50 0.5888, mAP50-95 0.4312.
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-agree-'));
  try {
    const r = taco(['val', '--weights', path.join(REAL!, 'weights', 'yolov8n.pt'), '--data', path.join(REAL!, 'coco128val', 'data.yaml'), '--batch', '8', '--project', out, '--json']);
    const m = JSON.parse(r.stdout).metrics;
    assert.equal(m.images, 128);
    assert.equal(m.instances, 898);
    const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ultralytics ${b}`);
    near(m.p, 0.658, 1e-3, 'P');
    near(m.r, 0.52, 1e-3, 'R');
    near(m.map50, 0.5888, 1e-3, 'mAP50');
    near(m.map, 0.4312, 1e-3, 'mAP50-95');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
