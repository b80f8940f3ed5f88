/**
 * Case 8: a message that matches the fault. `taco cocoeval` on a file of random bytes suggested that it
 * "contains NaN or Infinity" (somewhere in 200 MB of noise the letters NaN turn up); the hint is for JSON
 * written by Python with non-finite floats, and only that.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanup, escapeRe, expectCase, killStarted, markInputs, sandbox, taco } from './helpers';

after(() => killStarted());

const GT = {
  images: [{ id: 1, width: 100, height: 100, file_name: 'a.jpg' }],
  annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 20, 20], area: 400, iscrowd: 0 }],
  categories: [{ id: 1, name: 'x' }],
};

test('random bytes: "not JSON text", naming the file, and no NaN hint', async () => {
  const sb = sandbox('coco-noise');
  try {
    const gt = path.join(sb.inDir, 'gt.json');
    fs.writeFileSync(gt, JSON.stringify(GT));
    const noise = path.join(sb.inDir, 'dt.json');
    // 2 MB of noise with the letters NaN in it, as 200 MB of noise has by chance.
    fs.writeFileSync(noise, Buffer.concat([crypto.randomBytes(1 << 20), Buffer.from(' NaN '), crypto.randomBytes(1 << 20)]));
    markInputs(sb);
    for (const args of [[gt, noise], [noise, gt]]) {
      const r = await taco(['cocoeval', ...args], { cwd: sb.root, timeoutMs: 60_000 });
      await expectCase(sb, r, { status: 1, message: new RegExp(`${escapeRe(noise)}.*not (a )?JSON text`) });
      assert.doesNotMatch(r.out, /NaN or Infinity/);
    }
  } finally {
    cleanup(sb);
  }
});

test('results written by Python with NaN still get the NaN hint', async () => {
  const sb = sandbox('coco-nan');
  try {
    const gt = path.join(sb.inDir, 'gt.json');
    fs.writeFileSync(gt, JSON.stringify(GT));
    const dt = path.join(sb.inDir, 'dt.json');
    fs.writeFileSync(dt, '[{"image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], "score": NaN}]');
    markInputs(sb);
    const r = await taco(['cocoeval', gt, dt], { cwd: sb.root, timeoutMs: 60_000 });
    await expectCase(sb, r, { status: 1, message: new RegExp(`${escapeRe(dt)}.*NaN or Infinity`) });
  } finally {
    cleanup(sb);
  }
});
