/**
 * Fine-tuning from ultralytics' own COCO checkpoint, as the seed's experiment does: the trainer reads yolov8n.pt
 * directly, transfers every tensor that fits a 7-class model, keeps the class convolutions (80 -> 7) fresh, and
 * records what it did in the run's transfer.json; a checkpoint of another scale is an error, not a silent no-op.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareDataset } from '../../src/project/data/prepare';
import { train } from '../../src/project/train/trainer';
import { readTransferReport } from '../../src/project/train/transfer-report';
import { sharedPath, skipReason } from '../helpers/shared';

const PT = sharedPath('real', 'weights', 'yolov8n.pt');

test('train --weights yolov8n.pt on 7 classes: the class branch (width max(64, nc): 80 in COCO, 64 here) skipped, all else transferred, in transfer.json', { skip: PT ? false : skipReason('real/weights/yolov8n.pt') }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-ft-'));
  try {
    const data = (await prepareDataset({ out: path.join(tmp, 'mini'), imgsz: 96 })).outputs.dataYaml;
    const r = await train({ data, model: 'yolov8n', weights: PT!, epochs: 1, imgsz: 64, batch: 8, backend: 'wasm', project: path.join(tmp, 'runs'), name: 'ft', val: false, maxBatches: 1 }, { log: () => {} });
    const t = readTransferReport(r.runDir)!;
    assert.ok(t, 'transfer.json written');
    assert.equal(t.source, PT);
    // 3 levels x (2 Conv+BN blocks x 5 tensors + the final conv's weight and bias) = 36, as ultralytics'
    // intersect_dicts leaves them ("Transferred 319/355 items").
    assert.equal(t.skipped.length, 36);
    assert.ok(t.skipped.every((s) => s.name.startsWith('model.22.cv3.')), 'only the class branch');
    for (const s of t.skipped.filter((x) => /cv3\.\d\.2\.weight$/.test(x.name))) assert.deepEqual([s.checkpoint[0], s.model[0]], [80, 7], `${s.name}: COCO's 80 classes vs 7`);
    assert.equal(t.missing.length, 0);
    assert.equal(t.loaded + t.skipped.length, t.total);
    await assert.rejects(
      train({ data, model: 'yolov8s', weights: PT!, epochs: 1, imgsz: 64, batch: 8, backend: 'wasm', project: path.join(tmp, 'runs'), name: 'bad', val: false, maxBatches: 1 }, { log: () => {} }),
      /yolov8n\.pt: only \d+ of YOLOv8s's \d+ tensors fit .*another scale/,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
