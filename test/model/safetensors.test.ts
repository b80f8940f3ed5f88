import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { encodeSafetensors, parseSafetensors, SafeTensor } from '../../src/project/model/weights/safetensors';

function rawFile(header: object, data: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

test('encode -> parse round trip keeps order, dtypes, shapes and bits', () => {
  const t = new Map<string, SafeTensor>([
    ['b.weight', { dtype: 'F32', shape: [2, 3], data: Float32Array.of(1, -2.5, 3e-8, Math.fround(Math.PI), -0, 7) }],
    ['a.count', { dtype: 'I64', shape: [], data: BigInt64Array.of(123456789012n) }],
  ]);
  const buf = encodeSafetensors(t, { format: 'pt' });
  assert.equal(Number(buf.readBigUInt64LE(0)) % 8, 0, 'header padded to 8 bytes');
  const back = parseSafetensors(buf);
  assert.deepEqual([...back.tensors.keys()], ['b.weight', 'a.count']);
  assert.deepEqual(back.tensors.get('b.weight'), t.get('b.weight'));
  assert.deepEqual(back.tensors.get('a.count'), t.get('a.count'));
  assert.deepEqual(back.metadata, { format: 'pt' });
});

test('F16 tensors are widened to float32; data order follows data_offsets', () => {
  const data = Buffer.alloc(8);
  [0x3c00, 0xc000, 0x3555, 0x0001].forEach((h, i) => data.writeUInt16LE(h, 2 * i)); // 1, -2, ~0.3333, smallest subnormal
  const f = parseSafetensors(rawFile({ z: { dtype: 'F16', shape: [2], data_offsets: [4, 8] }, y: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, data));
  assert.deepEqual([...f.tensors.keys()], ['y', 'z']);
  assert.deepEqual([...f.tensors.get('y')!.data], [1, -2]);
  const z = f.tensors.get('z')!.data as Float32Array;
  assert.ok(Math.abs(z[0] - 0.33325195) < 1e-7);
  assert.equal(z[1], Math.fround(2 ** -24));
});

test('malformed files fail with the file name and the problem', () => {
  assert.throws(() => parseSafetensors(Buffer.alloc(4), 'x.safetensors'), /x\.safetensors: not a valid safetensors file: only 4 bytes/);
  const big = Buffer.alloc(16);
  big.writeBigUInt64LE(1000n);
  assert.throws(() => parseSafetensors(big, 'y.safetensors'), /header length 1000 exceeds/);
  assert.throws(() => parseSafetensors(rawFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, Buffer.alloc(8))), /"w" spans 8 bytes, but F32\[3\] needs 12/);
  assert.throws(() => parseSafetensors(rawFile({ w: { dtype: 'BF16', shape: [1], data_offsets: [0, 2] } }, Buffer.alloc(2))), /unsupported dtype BF16/);
  assert.throws(() => parseSafetensors(rawFile({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, Buffer.alloc(4))), /outside the 4 data bytes/);
});
