import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';
import { readSafetensors } from '../../../src/project/model/weights/safetensors';
import { readPt } from '../../../src/project/model/pt';
import { sharedPath, skipReason } from '../../helpers/shared';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const n = sharedPath('real', 'weights', 'yolov8n.pt');
const sft = sharedPath('real', 'weights', 'yolov8n-coco.safetensors');
const img = sharedPath('real', 'coco8', 'images', 'val', '000000000049.jpg');

/** Runs the CLI without blocking this process (the loopback server below must keep answering). */
function taco(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(ROOT, 'bin', 'taco.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('taco weights info / convert: a .pt and its .safetensors conversion describe the same model', { skip: n && sft ? false : skipReason('real/weights/yolov8n.pt') }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-weights-cli-'));
  try {
    const info = await taco(['weights', 'info', n!, '--json']);
    assert.equal(info.status, 0, info.stderr);
    const j = JSON.parse(info.stdout);
    assert.deepEqual([j.arch, j.nc, j.parameters, j.tensors, j.date, j.ultralytics_version, j.format], ['yolov8n', 80, 3_157_200, 355, '2022-12-30T00:12:08.084698', '8.0.0.dev0', 'pt']);
    assert.equal(j.names[0], 'person');
    const text = await taco(['weights', 'info', n!]);
    assert.match(text.stdout, /model +YOLOv8n\nnc +80\nnames +80: person, bicycle/);
    assert.match(text.stdout, /parameters +3,157,200 \(355 tensors\)/);
    assert.match(text.stdout, /ultralytics version +8\.0\.0\.dev0/);

    const out = path.join(dir, 'n.safetensors');
    const conv = await taco(['weights', 'convert', n!, '--out', out]);
    assert.equal(conv.status, 0, conv.stderr);
    assert.match(conv.stdout, /355 tensors, yolov8n nc=80/);
    assert.ok(!fs.existsSync(`${out}.tmp`));
    const back = readSafetensors(out);
    assert.deepEqual({ arch: back.metadata!.arch, nc: back.metadata!.nc }, { arch: 'yolov8n', nc: '80' });
    assert.equal(JSON.parse(back.metadata!.names).length, 80);
    // The converted tensors equal the reference export (F32, I64 num_batches_tracked) bit for bit.
    const ref = readSafetensors(sft!);
    for (const [k, t] of ref.tensors) {
      const b = back.tensors.get(k)!;
      assert.equal(b.dtype, t.dtype, k);
      assert.ok(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)), k);
    }
    const si = await taco(['weights', 'info', out, '--json']);
    assert.deepEqual(((o) => [o.arch, o.nc, o.parameters, o.format, o.names.length])(JSON.parse(si.stdout)), ['yolov8n', 80, 3_157_200, 'safetensors', 80]);

    // Errors name the file and the problem, without a stack trace.
    const jpeg = path.join(dir, 'photo.pt');
    fs.writeFileSync(jpeg, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]));
    const bad = await taco(['weights', 'info', jpeg]);
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr.trim(), `taco: ${jpeg}: not a zip file, so not a PyTorch checkpoint (first bytes ff d8 ff e0 00 10 4a 46) (it looks like a JPEG image)`);
    const none = await taco(['weights', 'info', 'yolov8x'], { TACO_WEIGHTS_DIR: dir });
    assert.match(none.stderr, /taco: yolov8x: not in the weights cache .*run taco weights fetch yolov8x/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('taco weights fetch, then predict --weights yolov8n from the cache (loopback server)', { skip: n && img ? false : skipReason('real/weights/yolov8n.pt and real/coco8') }, async () => {
  const body = fs.readFileSync(n!);
  const server = http.createServer((req, res) => {
    if (req.url !== '/mirror/yolov8n.pt') {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-weights-fetch-'));
  const cache = path.join(dir, 'cache');
  try {
    const f = await taco(['weights', 'fetch', 'yolov8n', '--url', url], { TACO_WEIGHTS_DIR: cache });
    assert.equal(f.status, 0, f.stderr);
    assert.match(f.stdout, /yolov8n\.pt: downloaded, 6\.5 MB, sha256 f59b3d833e2ff32e194b5bb8e08d211dc7c5bdf144b90d2c8412c47ccfc83b36/);
    assert.deepEqual(fs.readdirSync(cache), ['yolov8n.pt']);
    const limit = await taco(['weights', 'fetch', 'yolov8n', '--url', url, '--max-bytes', '1MB'], { TACO_WEIGHTS_DIR: path.join(dir, 'cache2') });
    assert.equal(limit.status, 1);
    assert.match(limit.stderr, /taco: yolov8n\.pt: .* is 6549796 bytes, over the limit of 1048576 \(--max-bytes\); not downloaded/);
    const missing = await taco(['weights', 'fetch', 'yolov8s', '--url', url], { TACO_WEIGHTS_DIR: cache });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /taco: yolov8s\.pt: HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/mirror\/yolov8s\.pt/);
    const p = await taco(['predict', '--weights', 'yolov8n', '--source', img!, '--imgsz', '320', '--project', path.join(dir, 'runs'), '--json'], { TACO_WEIGHTS_DIR: cache, TACO_WEIGHTS_URL: `${url}/nothing-here` });
    assert.equal(p.status, 0, p.stderr);
    const out = JSON.parse(p.stdout);
    const images = Array.isArray(out) ? out : out.images;
    assert.equal(images.length, 1);
    assert.ok(images[0].classes.length > 0, 'the COCO model finds something in a COCO picture');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(readPt(n!).tensors.size === 355);
});

test('taco bench ptload --json times a real and a synthetic checkpoint', { skip: n ? false : skipReason('real/weights/yolov8n.pt') }, async () => {
  const r = await taco(['bench', 'ptload', '--file', n!, '--synthetic', '2', '--repeat', '1', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.rows.length, 2);
  assert.deepEqual(j.rows.map((x: { tensors: number; synthetic: boolean }) => [x.tensors, x.synthetic]), [[355, false], [355, true]]);
  for (const x of j.rows) assert.ok(x.total_ms > 0 && x.mb_per_s > 0 && x.cpu_ms >= 0);
});
