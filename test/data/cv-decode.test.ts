import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { decodeLikeCv2 } from '../../src/project/data/cv/decode';
import { CV_FIXTURES, readCvFixture, sha256 } from './cv-synthetic';
import { sharedPath, skipReason } from '../helpers/shared';

const digest = (b: Uint8Array): string => sha256(b).slice(0, 32);
interface DecodeCase { file: string; w: number; h: number; sha256: string }

test('our JPEGs (EXIF orientations 1..8, 4:4:4, 4:2:2, 4:2:0, progressive, gray) decode to cv2.imread\'s pixels', async () => {
  const fx = readCvFixture<DecodeCase>('decode.json');
  assert.equal(fx.cases.filter((c) => c.file.startsWith('orient-')).length, 8);
  for (const c of fx.cases) {
    const img = await decodeLikeCv2(path.join(CV_FIXTURES, 'jpeg', c.file));
    assert.deepEqual([img.width, img.height], [c.w, c.h], c.file);
    assert.equal(digest(img.data), c.sha256, c.file);
  }
});

test('a buffer decodes like its file; garbage fails with the name', async () => {
  const file = path.join(CV_FIXTURES, 'jpeg', 'orient-6.jpg');
  const a = await decodeLikeCv2(file);
  const b = await decodeLikeCv2(fs.readFileSync(file));
  assert.deepEqual(b.data, a.data);
  await assert.rejects(decodeLikeCv2(Buffer.from('not a picture')), /image buffer: cannot decode/);
});

test('alpha is dropped and gray is spread over three channels, as IMREAD_COLOR does', async () => {
  const rgba = Buffer.from([10, 20, 30, 0, 40, 50, 60, 255]);
  const png = await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer();
  assert.deepEqual([...(await decodeLikeCv2(png)).data], [10, 20, 30, 40, 50, 60]);
  const gray = await sharp(Buffer.from([7, 200]), { raw: { width: 2, height: 1, channels: 1 } }).png().toBuffer();
  assert.deepEqual([...(await decodeLikeCv2(gray)).data], [7, 7, 7, 200, 200, 200]);
});

interface RealCase { path: string; w: number; h: number; sha256: string }
const REAL = sharedPath('real');
test('every shared real picture (coco8, coco128val incl. ICC-tagged and gray ones, trash-filter) decodes to cv2.imread\'s pixels', { skip: REAL ? false : skipReason('real') }, async () => {
  const fx = readCvFixture<RealCase>('real.json');
  assert.equal(fx.cases.length, 286);
  const failed: string[] = [];
  for (const c of fx.cases) {
    const img = await decodeLikeCv2(path.join(REAL!, c.path));
    if (img.width !== c.w || img.height !== c.h || digest(img.data) !== c.sha256) failed.push(c.path);
  }
  assert.deepEqual(failed, []);
});
