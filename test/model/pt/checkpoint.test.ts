import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePt, ptToSafeFile } from '../../../src/project/model/pt';
import { PickleWriter, PV, f32Bytes, f64Bytes, i64Bytes, makeZip, module, parameter, tensor, torchZip, u16Bytes } from '../../../src/project/model/pt/synthetic';

test('checkpoint: float16, bfloat16, float32, float64 and int64 storages in a plain state_dict', () => {
  const half = [0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00, 0x8000]; // 1, -2, ~1/3, smallest subnormal, +inf, -0
  const bf16 = [0x3f80, 0xc049, 0x0001, 0xff80]; // 1, -3.140625, a subnormal, -inf
  const buf = torchZip(
    { $ordered: [['h', tensor('0', 'float16', 6, [2, 3])], ['b', tensor('1', 'bfloat16', 4, [4])], ['f', tensor('2', 'float32', 2, [2])], ['d', tensor('3', 'float64', 2, [1, 2])], ['n', tensor('4', 'int64', 1, [])]] },
    { 0: u16Bytes(half), 1: u16Bytes(bf16), 2: f32Bytes([0.1, -7]), 3: f64Bytes([Math.PI, 1e300]), 4: i64Bytes([-(2n ** 62n)]) },
  );
  const c = parsePt(buf, 'sd.pt');
  assert.equal(c.meta.kind, 'state_dict');
  assert.deepEqual([...c.tensors.keys()], ['h', 'b', 'f', 'd', 'n']);
  const h = c.tensors.get('h')!;
  assert.deepEqual(h.shape, [2, 3]);
  assert.equal(h.dtype, 'float16');
  assert.deepEqual([...h.data], [1, -2, Math.fround(0.333251953125), 2 ** -24, Infinity, -0]);
  assert.ok(Object.is(h.data[5], -0));
  const b = c.tensors.get('b')!;
  assert.equal(b.dtype, 'bfloat16');
  assert.deepEqual([...b.data], [1, -3.140625, new Float32Array(new Uint32Array([0x00010000]).buffer)[0], -Infinity]);
  assert.deepEqual([...c.tensors.get('f')!.data], [Math.fround(0.1), -7]);
  const d = c.tensors.get('d')!;
  assert.ok(d.data instanceof Float64Array);
  assert.deepEqual([...d.data], [Math.PI, 1e300]);
  const n = c.tensors.get('n')!;
  assert.deepEqual(n.shape, []);
  assert.ok(n.data instanceof BigInt64Array);
  assert.equal(n.data[0], -(2n ** 62n));
  // As a SafeFile: floats F32 (float64 narrowed), int64 I64.
  const sf = ptToSafeFile(c);
  assert.deepEqual([...sf.tensors.values()].map((t) => t.dtype), ['F32', 'F32', 'F32', 'F32', 'I64']);
  assert.equal(sf.tensors.get('d')!.data[1], Infinity);
});

test('checkpoint: non-contiguous views (transpose, step slices, offsets) and shared storages are gathered in C order', () => {
  const base = Array.from({ length: 24 }, (_, i) => i);
  const buf = torchZip(
    {
      $ordered: [
        ['full', tensor('0', 'float32', 24, [2, 3, 4])],
        ['t', tensor('0', 'float32', 24, [4, 3, 2], [1, 4, 12])], // full.permute(2, 1, 0)
        ['step', tensor('0', 'float32', 24, [2, 2], [12, 2], 5)], // full.view(2, 12)[:, 5::2][:, :2]
        ['col', tensor('1', 'float16', 6, [3, 1], [2, 1], 1)], // column 1 of a 3x2 half matrix
        ['bcast', tensor('2', 'int64', 2, [3, 2], [0, 1])], // expand: stride 0
        ['empty', tensor('0', 'float32', 24, [0, 5])],
      ],
    },
    { 0: f32Bytes(base), 1: u16Bytes([0x3c00, 0x4000, 0x4200, 0x4400, 0x4500, 0x4600]), 2: i64Bytes([7n, -8n]) },
  );
  const c = parsePt(buf, 'views.pt');
  const full = c.tensors.get('full')!.data;
  assert.deepEqual([...full], base);
  const expectT: number[] = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) expectT.push(base[k * 12 + j * 4 + i]);
  assert.deepEqual([...c.tensors.get('t')!.data], expectT);
  assert.deepEqual([...c.tensors.get('step')!.data], [5, 7, 17, 19]);
  assert.deepEqual([...c.tensors.get('col')!.data], [2, 4, 6]);
  assert.deepEqual([...c.tensors.get('bcast')!.data], [7n, -8n, 7n, -8n, 7n, -8n]);
  assert.equal(c.tensors.get('empty')!.data.length, 0);
  // The copies are independent of each other and of the file buffer.
  (c.tensors.get('t')!.data as Float32Array)[0] = 99;
  assert.equal(full[0], 0);
});

test('checkpoint: zip64 end records and extra fields, deflated entries, other archive names', () => {
  const root: PV = { $ordered: [['w', tensor('0', 'float32', 3, [3])]] };
  const a = parsePt(torchZip(root, { 0: f32Bytes([1, 2, 3]) }, { zip64: true, archive: 'my_model' }), 'z64.pt');
  assert.deepEqual([...a.tensors.get('w')!.data], [1, 2, 3]);
  const pkl = PickleWriter.dump(root);
  const deflated = makeZip([{ name: 'x/data.pkl', data: pkl, deflate: true }, { name: 'x/data/0', data: f32Bytes([4, 5, 6]), deflate: true }]);
  assert.deepEqual([...parsePt(deflated, 'deflate.pt').tensors.get('w')!.data], [4, 5, 6]);
});

test('checkpoint: an ultralytics-style pickled model is walked into state_dict names and order, with its metadata', () => {
  const conv = (key: number, cout: number, cin: number): PV =>
    module(['ultralytics.nn.modules.conv', 'Conv'], {
      modules: [
        ['conv', module(['torch.nn.modules.conv', 'Conv2d'], { params: [['weight', parameter(tensor(String(key), 'float16', cout * cin, [cout, cin, 1, 1]))], ['bias', null]] })],
        ['bn', module(['torch.nn.modules.batchnorm', 'BatchNorm2d'], {
          params: [['weight', parameter(tensor(String(key + 1), 'float16', cout, [cout]))], ['bias', parameter(tensor(String(key + 2), 'float16', cout, [cout]))]],
          buffers: [['running_mean', tensor(String(key + 3), 'float16', cout, [cout])], ['running_var', tensor(String(key + 4), 'float16', cout, [cout])], ['num_batches_tracked', tensor(String(key + 5), 'int64', 1, [])]],
        })],
        ['act', module(['torch.nn.modules.activation', 'SiLU'], {})],
      ],
    });
  const model = module(['ultralytics.nn.tasks', 'DetectionModel'], {
    modules: [['model', module(['torch.nn.modules.container', 'Sequential'], { modules: [['0', conv(0, 2, 3)], ['1', null], ['2', conv(10, 1, 2)]] })]],
    extra: [
      ['yaml', { $dict: [['nc', 3], ['depth_multiple', 0.33], ['width_multiple', 0.5], ['yaml_file', 'custom.yaml']] }],
      ['names', { $dict: [[0, 'a'], [1, 'b'], [2, 'c']] }],
      ['nc', 3],
      ['stride', tensor('99', 'float32', 3, [3])],
      ['shape', { $reduce: [{ $global: ['torch', 'Size'] }, [{ $tuple: [1, 2] }]] }],
    ],
  });
  const storages: Record<string, Uint8Array> = { 99: f32Bytes([8, 16, 32]) };
  for (const [k, cout] of [[0, 2], [10, 1]]) for (let j = 1; j < 6; j++) storages[k + j] = j === 5 ? i64Bytes([42n]) : u16Bytes(Array(cout).fill(0x3c00 + j));
  storages[0] = u16Bytes(Array(6).fill(0x3800)); // 0.5
  storages[10] = u16Bytes([0x3c00, 0x4000]);
  const root: PV = {
    $dict: [
      ['date', '2024-01-02T03:04:05'], ['version', '8.1.0'], ['model', model], ['ema', null], ['optimizer', null],
      ['train_args', { $dict: [['epochs', 3], ['lr0', 0.01], ['name', 'x'], ['evil', { $reduce: [{ $global: ['os', 'system'] }, ['echo hi']] }]] }],
    ],
  };
  const c = parsePt(torchZip(root, storages), 'ul.pt');
  assert.deepEqual([...c.tensors.keys()], [
    'model.0.conv.weight', 'model.0.bn.weight', 'model.0.bn.bias', 'model.0.bn.running_mean', 'model.0.bn.running_var', 'model.0.bn.num_batches_tracked',
    'model.2.conv.weight', 'model.2.bn.weight', 'model.2.bn.bias', 'model.2.bn.running_mean', 'model.2.bn.running_var', 'model.2.bn.num_batches_tracked',
  ]);
  assert.deepEqual(c.tensors.get('model.0.conv.weight')!.shape, [2, 3, 1, 1]);
  assert.deepEqual([...c.tensors.get('model.0.conv.weight')!.data], Array(6).fill(0.5));
  assert.deepEqual([...c.tensors.get('model.2.conv.weight')!.data], [1, 2]);
  assert.equal(c.tensors.get('model.2.bn.num_batches_tracked')!.data[0], 42n);
  assert.deepEqual(
    { ...c.meta, trainArgs: undefined, yaml: undefined },
    { kind: 'ultralytics', from: 'model', modelClass: 'ultralytics.nn.tasks.DetectionModel', names: ['a', 'b', 'c'], nc: 3, scale: 's', stride: [8, 16, 32], date: '2024-01-02T03:04:05', version: '8.1.0', trainArgs: undefined, yaml: undefined },
  );
  assert.deepEqual(c.meta.trainArgs, { epochs: 3, lr0: 0.01, name: 'x', evil: '<os.system object>' });
  const sf = ptToSafeFile(c);
  assert.equal(sf.metadata!.arch, 'yolov8s');
  assert.equal(sf.metadata!.nc, '3');
  assert.deepEqual(JSON.parse(sf.metadata!.names), ['a', 'b', 'c']);
});

test('checkpoint: a pickled os.system call as the whole checkpoint is refused, and nothing runs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-pt-'));
  const marker = path.join(dir, 'pwned');
  try {
    const evil = torchZip({ $reduce: [{ $global: ['os', 'system'] }, [`touch ${marker}`]] }, {});
    // Design: the unpickler yields an inert os.system record; the checkpoint reader then refuses it as not a checkpoint.
    assert.throws(() => parsePt(evil, 'evil.pt'), /evil\.pt: a PyTorch checkpoint whose top level is a os\.system object: neither a state_dict nor an ultralytics checkpoint/);
    assert.equal(fs.existsSync(marker), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpoint: damaged and foreign files each fail with the file name and their own problem', () => {
  const root: PV = { $ordered: [['w', tensor('0', 'float32', 4, [2, 2])]] };
  const good = torchZip(root, { 0: f32Bytes([1, 2, 3, 4]) });
  assert.deepEqual([...parsePt(good, 'g.pt').tensors.get('w')!.data], [1, 2, 3, 4]);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', Buffer.alloc(0), /empty\.pt: empty file \(0 bytes\)/],
    ['jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]), /jpeg\.pt: not a zip file, so not a PyTorch checkpoint \(first bytes ff d8 ff e0 00 10 4a 46\) \(it looks like a JPEG image\)/],
    ['legacy', Buffer.from([0x80, 2, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]), /legacy\.pt: not a zip file.*legacy pre-1\.6 format/],
    ['cut-half', good.subarray(0, good.length >> 1), /cut-half\.pt: truncated: it starts like a zip but has no end-of-central-directory record/],
    ['cut-tail', good.subarray(0, good.length - 3), /cut-tail\.pt: truncated/],
    ['no-pkl', makeZip([{ name: 'a/readme.txt', data: Buffer.from('hi') }]), /no-pkl\.pt: a zip file but not a PyTorch checkpoint \(no <archive>\/data\.pkl; it holds 1 entries: a\/readme\.txt\)/],
    ['missing-record', torchZip(root, { 0: f32Bytes([1, 2, 3, 4]) }, { omit: ['0'] }), /missing-record\.pt: archive\/data\.pkl: missing storage record archive\/data\/0/],
    ['wrong-size', torchZip(root, { 0: f32Bytes([1, 2, 3]) }), /wrong-size\.pt: archive\/data\.pkl: storage record archive\/data\/0 has 12 bytes, but torch\.FloatStorage of 4 elements needs 16/],
    ['unknown-dtype', torchZip({ $ordered: [['w', tensor('0', 'ComplexFloatStorage', 2, [2])]] }, { 0: f32Bytes([1, 2, 3, 4]) }), /unknown-dtype\.pt: archive\/data\.pkl: unknown storage type torch\.ComplexFloatStorage/],
    ['bad-opcode', torchZip(root, { 0: f32Bytes([1, 2, 3, 4]) }, { pkl: Buffer.from([0x80, 2, 0x7d, 0xfe, 0x2e]) }), /bad-opcode\.pt: archive\/data\.pkl: pickle at offset 3: unknown opcode 0xfe/],
    ['pkl-truncated', torchZip(root, { 0: f32Bytes([1, 2, 3, 4]) }, { pkl: PickleWriter.dump(root).subarray(0, 40) }), /pkl-truncated\.pt: archive\/data\.pkl: pickle .*truncated/],
    ['view-out-of-range', torchZip({ $ordered: [['w', tensor('0', 'float32', 4, [2, 2], [2, 1], 1)]] }, { 0: f32Bytes([1, 2, 3, 4]) }), /view-out-of-range\.pt: w: view of size \[2,2\] stride \[2,1\] offset 1 reaches element 4, but storage archive\/data\/0 holds 4/],
    ['huge-view', torchZip({ $ordered: [['w', tensor('0', 'float32', 1, [65536, 65536], [0, 0])]] }, { 0: f32Bytes([1]) }), /huge-view\.pt: w: a tensor of size \[65536,65536\] \(4294967296 elements\) is too large to load/],
    ['not-a-model', torchZip({ $dict: [['epoch', 3]] }, {}), /not-a-model\.pt: a PyTorch checkpoint, but neither a state_dict nor an ultralytics checkpoint \(no 'ema' or 'model'; its keys: epoch\)/],
  ];
  // A flipped byte inside a storage record: the zip's CRC-32 catches it.
  const crc = Buffer.from(good);
  const at = crc.indexOf(Buffer.from(f32Bytes([1, 2, 3, 4])));
  crc[at + 1] ^= 0x40;
  cases.push(['bad-crc', crc, /bad-crc\.pt: entry archive\/data\/0: CRC-32 mismatch \(computed [0-9a-f]{8}, the directory says [0-9a-f]{8}; the file is damaged\)/]);
  // Zip64: a locator that points nowhere, and an entry whose saturated sizes have no zip64 extra field.
  const z64 = Buffer.from(torchZip(root, { 0: f32Bytes([1, 2, 3, 4]) }, { zip64: true }));
  const loc = z64.length - 22 - 20;
  const badLoc = Buffer.from(z64);
  badLoc.writeBigUInt64LE(5n, loc + 8);
  cases.push(['zip64-locator', badLoc, /zip64-locator\.pt: damaged zip64 end record \(the locator points at byte 5, where there is none\)/]);
  const noExtra = Buffer.from(z64);
  const cd = noExtra.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  noExtra.writeUInt16LE(0x9999, cd + 46 + noExtra.readUInt16LE(cd + 28)); // rename the zip64 extra block
  cases.push(['zip64-extra', noExtra, /zip64-extra\.pt: entry archive\/data\.pkl: 32-bit fields are saturated but there is no zip64 extra field/]);
  const messages = new Set<string>();
  for (const [name, buf, re] of cases) {
    let msg = '';
    assert.throws(() => parsePt(buf, `${name}.pt`), (e: Error) => {
      msg = e.message;
      return re.test(e.message);
    }, `${name}: ${msg}`);
    messages.add(msg);
  }
  assert.equal(messages.size, cases.length, 'each damage has its own message');
});
