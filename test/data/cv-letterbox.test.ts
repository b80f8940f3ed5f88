import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { letterboxCv, letterboxGeometry } from '../../src/project/data/cv/letterbox';
import { decodeLikeCv2 } from '../../src/project/data/cv/decode';
import { readCvFixture, sha256, synthetic, SyntheticKind } from './cv-synthetic';
import { sharedPath, skipReason } from '../helpers/shared';

const digest = (b: Uint8Array): string => sha256(b).slice(0, 32);

interface LbCase {
  kind: SyntheticKind; seed: number; sw: number; sh: number; newShape: [number, number];
  auto: boolean; scaleup: boolean; center: boolean; stride: number;
  outW: number; outH: number; top: number; left: number; ratio: number; sha256: string;
}

test('letterboxCv matches ultralytics 8.0.200 LetterBox + cv2 on every fixture case (auto, scaleup, center)', () => {
  const fx = readCvFixture<LbCase>('letterbox.json');
  assert.ok(fx.cases.length > 200);
  const failed: string[] = [];
  for (const c of fx.cases) {
    const img = { data: synthetic(c.kind, c.seed, c.sw, c.sh), width: c.sw, height: c.sh };
    const { image, geometry: g } = letterboxCv(img, c.newShape, { auto: c.auto, scaleup: c.scaleup, center: c.center, stride: c.stride });
    const got = [image.width, image.height, g.top, g.left, g.ratio];
    const want = [c.outW, c.outH, c.top, c.left, c.ratio];
    const name = `${c.sw}x${c.sh} -> ${c.newShape} auto=${c.auto} scaleup=${c.scaleup} center=${c.center}`;
    if (JSON.stringify(got) !== JSON.stringify(want)) failed.push(`${name}: ${got} != ${want}`);
    else if (digest(image.data) !== c.sha256) failed.push(`${name}: pixels`);
  }
  assert.deepEqual(failed, []);
});

test('geometry: 381x500 at 640 is 488x640 inside 512x640 (auto) or 640x640, padding split with round(d -/+ 0.1)', () => {
  const a = letterboxGeometry(381, 500, [640, 640], { auto: true });
  assert.deepEqual([a.unpadW, a.unpadH, a.width, a.height, a.left, a.right, a.top, a.bottom], [488, 640, 512, 640, 12, 12, 0, 0]);
  const s = letterboxGeometry(381, 500, [640, 640]);
  assert.deepEqual([s.width, s.height, s.left, s.right], [640, 640, 76, 76]);
  // odd padding 3: 1.5 - 0.1 rounds to 1 on the left, 1.5 + 0.1 to 2 on the right
  const o = letterboxGeometry(637, 640, [640, 640]);
  assert.deepEqual([o.left, o.right], [1, 2]);
  // not centred: all padding right and bottom
  const n = letterboxGeometry(381, 500, [640, 640], { center: false });
  assert.deepEqual([n.left, n.right, n.top, n.bottom], [0, 152, 0, 0]);
});

interface RealLb { newShape: [number, number]; auto: boolean; outW: number; outH: number; top: number; left: number; sha256: string }
interface RealCase { path: string; sha256: string; letterbox: RealLb[] }

const REAL = sharedPath('real');
test('real pictures letterboxed to 640 as ultralytics predict does (auto) and as a square batch (not auto)', { skip: REAL ? false : skipReason('real') }, async () => {
  const fx = readCvFixture<RealCase>('real.json');
  const failed: string[] = [];
  let checked = 0;
  // coco8 and a slice of the others keep this test short; the decode test covers every picture
  const cases = fx.cases.filter((c, i) => c.path.startsWith('coco8/') || i % 4 === 0);
  for (const c of cases) {
    const img = await decodeLikeCv2(path.join(REAL!, c.path));
    if (digest(img.data) !== c.sha256) { failed.push(`${c.path}: decoded pixels differ`); continue; }
    for (const l of c.letterbox) {
      checked++;
      const { image, geometry: g } = letterboxCv(img, l.newShape, { auto: l.auto });
      if (image.width !== l.outW || image.height !== l.outH || g.top !== l.top || g.left !== l.left || digest(image.data) !== l.sha256) {
        failed.push(`${c.path} auto=${l.auto}`);
      }
    }
  }
  assert.ok(checked >= 140, `${checked} letterboxes checked`);
  assert.deepEqual(failed, []);
});
