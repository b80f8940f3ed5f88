import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fixturePath } from '../helpers/shared';
import { initBackend } from '../../src/project/backend/init';
import { detectionLoss } from '../../src/project/loss/detection-loss';
import { loadFixtures, runCase } from './fixture';

/** Every case of ../shared/fixtures/yolo-loss on one backend, at the tolerances. */
export function fixtureSuite(backend: 'cpu' | 'wasm' | 'webgpu' | 'native', skip: () => string | undefined = () => undefined): void {
  const dir = fixturePath('yolo-loss');
  test(`yolo-loss fixtures match ultralytics 8.0.200 on ${backend}`, async (t) => {
    const why = skip();
    if (why) return t.skip(why);
    await initBackend({ backend });
    const cases = loadFixtures(dir);
    assert.ok(cases.length >= 6, `expected the 6 documented cases, found ${cases.length}`);
    for (const fx of cases) {
      await t.test(fx.name, () => {
        const e = runCase(fx, detectionLoss);
        assert.ok(e.total <= 1e-4, `loss_total rel err ${e.total}`);
        assert.ok(e.items <= 1e-4, `loss_items rel err ${e.items}`);
        assert.ok(e.gradL2 <= 1e-3, `grad l2 rel err ${e.gradL2}`);
        assert.ok(e.gradSum <= 1e-3, `grad sum rel err ${e.gradSum}`);
        assert.ok(e.gradSamples <= 1e-3, `grad sample rel err ${e.gradSamples}`);
        assert.equal(e.numFgWeighted[0], e.numFgWeighted[1], 'num_fg_weighted');
        assert.deepEqual(e.fgSet[0], e.fgSet[1], 'weighted foreground anchor set');
        assert.ok(e.fgWeights <= 1e-4, `fg weight rel err ${e.fgWeights}`);
        assert.equal(e.leaked, 0, 'tensors leaked by one loss + gradient step');
      });
    }
  });
}
