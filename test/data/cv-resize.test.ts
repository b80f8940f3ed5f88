import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { cvResize, cvResizeU8, CvInterp } from '../../src/project/data/cv/resize';
import { cvRound, pyRound } from '../../src/project/data/cv/round';
import { areaFastFactor } from '../../src/project/data/cv/resize-area';
import { decodeLikeCv2 } from '../../src/project/data/cv/decode';
import { byteDiff, readCvFixture, sha256, synthetic, SyntheticKind } from './cv-synthetic';
import { sharedPath, skipReason } from '../helpers/shared';

interface ResizeCase {
  kind: SyntheticKind; seed: number; sw: number; sh: number; dw: number; dh: number; interp: CvInterp;
  sha256: string; data?: string;
}
const digest = (b: Uint8Array): string => sha256(b).slice(0, 32);

function runCases(interp: CvInterp): void {
  const fx = readCvFixture<ResizeCase>('resize.json');
  const cases = fx.cases.filter((c) => c.interp === interp);
  assert.ok(cases.length > 100);
  let src: Uint8Array | undefined, key = '';
  const failed: string[] = [];
  for (const c of cases) {
    const k = `${c.kind}/${c.seed}/${c.sw}x${c.sh}`;
    if (k !== key) { src = synthetic(c.kind, c.seed, c.sw, c.sh); key = k; }
    const out = cvResizeU8(src!, c.sw, c.sh, 3, c.dw, c.dh, interp);
    assert.equal(out.length, c.dw * c.dh * 3);
    if (digest(out) === c.sha256) continue;
    const d = c.data ? byteDiff(out, Buffer.from(c.data, 'base64')) : undefined;
    failed.push(`${k} -> ${c.dw}x${c.dh}${d ? `: ${d.count} bytes differ, max ${d.max}, first at ${d.first}` : ''}`);
  }
  assert.deepEqual(failed, [], `${failed.length} of ${cases.length} differ from OpenCV ${fx.opencv}`);
}

test('INTER_LINEAR: every fixture case is bit-exact with cv2.resize (up, down, 2x, 1-pixel edges, 381x500 -> 488x640)', () => {
  runCases('linear');
});

test('INTER_AREA: every fixture case is bit-exact with cv2.resize (integer and fractional shrinks, and growth)', () => {
  runCases('area');
});

test('the rounding helpers round half to even, as cvRound and Python round do', () => {
  // the expected values are Python 3's round() of the same doubles
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 190.5, 2.4999, 2.5001, 487.68, 0.5 * 381].map(pyRound), [0, 2, 2, 0, -2, 190, 2, 3, 488, 190]);
  assert.equal(cvRound(1023.5), 1024);
});

test('dispatch: same size is a copy, exact 2x INTER_LINEAR is the 2x2 mean, integer factors are found as OpenCV finds them', () => {
  const src = synthetic('noise', 1, 8, 6);
  const same = cvResizeU8(src, 8, 6, 3, 8, 6, 'linear');
  assert.deepEqual(same, src);
  assert.notEqual(same, src);
  assert.deepEqual(cvResizeU8(src, 8, 6, 3, 4, 3, 'linear'), cvResizeU8(src, 8, 6, 3, 4, 3, 'area'));
  const p = (x: number, y: number, c: number): number => src[(y * 8 + x) * 3 + c];
  assert.equal(cvResizeU8(src, 8, 6, 3, 4, 3, 'linear')[0], (p(0, 0, 0) + p(1, 0, 0) + p(0, 1, 0) + p(1, 1, 0) + 2) >> 2);
  assert.equal(areaFastFactor(1920, 640), 3);
  assert.equal(areaFastFactor(3264, 640), 0);
  assert.throws(() => cvResizeU8(src, 8, 6, 3, 0, 3, 'linear'), /bad sizes/);
  assert.throws(() => cvResizeU8(src, 8, 5, 3, 4, 3, 'linear'), /bytes/);
  const img = cvResize({ data: src, width: 8, height: 6 }, 13, 7, 'linear');
  assert.equal(img.width, 13);
  assert.equal(img.data.length, 13 * 7 * 3);
});

interface RealCase {
  path: string; w: number; h: number; sha256: string;
  resize: { dw: number; dh: number; interp: CvInterp; sha256: string }[];
}

const REAL = sharedPath('real');
test('real pictures, resized as ultralytics load_image does (long side 640 and 320; INTER_LINEAR up, INTER_AREA down)', { skip: REAL ? false : skipReason('real') }, async () => {
  const fx = readCvFixture<RealCase>('real.json');
  const failed: string[] = [];
  let checked = 0;
  for (const c of fx.cases) {
    if (c.resize.length === 0) continue;
    const img = await decodeLikeCv2(path.join(REAL!, c.path));
    if (digest(img.data) !== c.sha256) { failed.push(`${c.path}: decoded pixels differ from cv2.imread`); continue; }
    for (const r of c.resize) {
      checked++;
      if (digest(cvResize(img, r.dw, r.dh, r.interp).data) !== r.sha256) failed.push(`${c.path} -> ${r.dw}x${r.dh} ${r.interp}`);
    }
  }
  assert.ok(checked > 200, `${checked} resizes checked`);
  assert.deepEqual(failed, []);
});
