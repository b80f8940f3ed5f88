import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml, stringifyYaml } from '../../src/project/data/yaml-lite';
import { DETECT_WASTE_MAPPING, categoryIdToIndex, indexToCategoryId, mappingFromJson, mappingToJson } from '../../src/project/data/classes';
import { flatName } from '../../src/project/data/safe-path';
import { resizeParams, xyxyFromResized, xyxyToResized } from '../../src/project/data/resize-boxes';
import { makeRng, shuffled } from '../../src/project/random';

test('class mapping: index <-> detect-waste category id round trip through its JSON form', () => {
  for (let i = 0; i < 7; i++) assert.equal(categoryIdToIndex(DETECT_WASTE_MAPPING, indexToCategoryId(DETECT_WASTE_MAPPING, i)), i);
  assert.equal(categoryIdToIndex(DETECT_WASTE_MAPPING, 0), undefined);
  assert.throws(() => indexToCategoryId(DETECT_WASTE_MAPPING, 7), /outside 0\.\.6/);
  const custom = mappingFromJson({ name: 'x', names: { 0: 'a', 1: 'b' }, index_to_category_id: { 0: 10, 1: 3 } }, 'data.yaml');
  assert.equal(categoryIdToIndex(custom, 3), 1); // no index+1 assumption anywhere
  assert.deepEqual(mappingFromJson(mappingToJson(DETECT_WASTE_MAPPING), 'm'), { ...DETECT_WASTE_MAPPING, names: [...DETECT_WASTE_MAPPING.names], indexToCategoryId: [...DETECT_WASTE_MAPPING.indexToCategoryId] });
});

test('YAML subset: ultralytics forms parse, our writer round-trips, unsupported syntax names the line', () => {
  const y = parseYaml(`# c\npath: ../datasets/coco8 # comment\ntrain: images/train\nnames:\n  0: person\n  1: "bi cycle"\nlist: [a, 'b c', 3]\nblock:\n  - x\n  - 2.5\nflag: true\nnothing:\n`);
  assert.deepEqual(y, { path: '../datasets/coco8', train: 'images/train', names: { 0: 'person', 1: 'bi cycle' }, list: ['a', 'b c', 3], block: ['x', 2.5], flag: true, nothing: null });
  const v = { a: 'x: y', b: { c: [1, 'two'], d: 'true' }, e: -1.5e-3 };
  assert.deepEqual(parseYaml(stringifyYaml(v)), v);
  assert.throws(() => parseYaml('a: 1\n   b: 2\n', 'f.yaml'), /f\.yaml:2/);
  assert.throws(() => parseYaml('a: &x 1\n', 'f.yaml'), /f\.yaml:1: unsupported/);
});

test('flat names, resize maps and the seeded shuffle', () => {
  assert.equal(flatName('batch_1/000006.jpg'), 'batch_1_000006.jpg');
  assert.equal(flatName('batch_3/IMG_4852.JPG'), 'batch_3_IMG_4852.jpg');
  for (const mode of ['stretch', 'letterbox'] as const) {
    const p = resizeParams(1537, 2049, 640, mode);
    const b = [100, 200, 700, 1500];
    xyxyFromResized(xyxyToResized(b, p), p).forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-9));
  }
  const lb = resizeParams(2000, 1000, 640, 'letterbox');
  assert.deepEqual([lb.innerW, lb.innerH, lb.padX, lb.padY], [640, 320, 0, 160]);
  assert.deepEqual(shuffled([1, 2, 3, 4, 5], makeRng(3)), shuffled([1, 2, 3, 4, 5], makeRng(3)));
  assert.notDeepEqual(shuffled([...Array(20).keys()], makeRng(3)), shuffled([...Array(20).keys()], makeRng(4)));
});
