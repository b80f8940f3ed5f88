import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';
import { fetchWeights, weightsCacheDir, WEIGHT_SHA256 } from '../../../src/project/model/weights/fetch';
import { resolveWeights } from '../../../src/project/model/load';
import { sharedPath, skipReason } from '../../helpers/shared';

const real = sharedPath('real', 'weights', 'yolov8n.pt');

/**
 * 127.0.0.1 server for yolov8n.pt: /ok/ serves it (Range too), /wrong/ serves other bytes, /drop/ cuts
 * the first response half-way, /gone/ is 404, /norange/ ignores Range.
 */
async function startServer(body: Buffer) {
  const log: { url: string; range?: string }[] = [];
  let drops = 0;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    log.push({ url, range: req.headers.range });
    const kind = url.split('/')[1];
    if (kind === 'gone' || !url.endsWith('/yolov8n.pt')) {
      res.writeHead(404);
      return res.end('not found');
    }
    const data = kind === 'wrong' ? Buffer.from(body).fill(7, 1000, 2000) : body;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && kind !== 'norange') {
      const from = Number(m[1]);
      if (from >= data.length) {
        res.writeHead(416, { 'content-range': `bytes */${data.length}` });
        return res.end();
      }
      res.writeHead(206, { 'content-length': data.length - from, 'content-range': `bytes ${from}-${data.length - 1}/${data.length}` });
      return res.end(data.subarray(from));
    }
    res.writeHead(200, { 'content-length': data.length, 'content-type': 'application/octet-stream' });
    if (kind === 'drop' && drops++ === 0) {
      res.write(data.subarray(0, data.length >> 1));
      return setTimeout(() => res.destroy(), 30);
    }
    res.end(data);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const listDir = (d: string): string[] => (fs.existsSync(d) ? fs.readdirSync(d).sort() : []);

test('fetch: download, verify, atomic rename; wrong bytes, 404, size limit and a dropped connection (loopback only)', { skip: real ? false : skipReason('real/weights/yolov8n.pt') }, async () => {
  const body = fs.readFileSync(real!);
  const srv = await startServer(body);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-fetch-'));
  const quiet = (): void => undefined;
  try {
    // Wrong bytes: the hash rejects them and nothing is left in the cache; the error names the file.
    const d1 = path.join(root, 'wrong');
    await assert.rejects(fetchWeights('yolov8n', { dir: d1, url: `${srv.base}/wrong`, warn: quiet }), /yolov8n\.pt: sha256 mismatch: got [0-9a-f]{64}, expected the pinned f59b3d83.*the download was removed/);
    assert.deepEqual(listDir(d1), []);

    // 404: one request, no retry, nothing left.
    const d2 = path.join(root, 'gone');
    const before = srv.log.length;
    await assert.rejects(fetchWeights('yolov8n', { dir: d2, url: `${srv.base}/gone`, warn: quiet }), /yolov8n\.pt: HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/gone\/yolov8n\.pt/);
    assert.equal(srv.log.length - before, 1);
    assert.deepEqual(listDir(d2), []);

    // Larger than the limit: refused from content-length, nothing written.
    const d3 = path.join(root, 'big');
    await assert.rejects(fetchWeights('yolov8n', { dir: d3, url: `${srv.base}/ok`, maxBytes: 1_000_000, warn: quiet }), /yolov8n\.pt: .* is 6549796 bytes, over the limit of 1000000 \(--max-bytes\); not downloaded/);
    assert.deepEqual(listDir(d3), []);

    // Dropped half-way with no retries: the .part stays; the next run resumes it with a Range request.
    const d4 = path.join(root, 'drop');
    await assert.rejects(fetchWeights('yolov8n', { dir: d4, url: `${srv.base}/drop`, retries: 0, warn: quiet }), /yolov8n\.pt: the connection (broke|ended) after \d+ .*bytes kept in .*yolov8n\.pt\.part; run again to resume/);
    assert.deepEqual(listDir(d4), ['yolov8n.pt.part']);
    const partial = fs.statSync(path.join(d4, 'yolov8n.pt.part')).size;
    assert.ok(partial > 0 && partial < body.length);
    const progress: number[] = [];
    const r = await fetchWeights('yolov8n', { dir: d4, url: `${srv.base}/drop`, warn: quiet, onProgress: (done) => progress.push(done) });
    assert.equal(r.resumedFrom, partial);
    assert.equal(srv.log[srv.log.length - 1].range, `bytes=${partial}-`);
    assert.equal(progress[0], partial);
    assert.equal(progress[progress.length - 1], body.length);
    assert.deepEqual(listDir(d4), ['yolov8n.pt']);
    assert.ok(fs.readFileSync(r.file).equals(body));
    assert.equal(r.sha256, WEIGHT_SHA256.yolov8n);

    // Within one call, a drop is retried with Range automatically.
    const d5 = path.join(root, 'drop2');
    const srv2 = await startServer(body);
    try {
      const r5 = await fetchWeights('yolov8n.pt', { dir: d5, url: `${srv2.base}/drop`, warn: quiet });
      assert.ok(r5.downloaded);
      assert.equal(srv2.log.length, 2);
      assert.match(srv2.log[1].range ?? '', /^bytes=\d+-$/);
      assert.ok(fs.readFileSync(r5.file).equals(body));
    } finally {
      await srv2.close();
    }

    // A server that ignores Range: the download restarts from 0 and still verifies.
    const d6 = path.join(root, 'norange');
    fs.mkdirSync(d6);
    fs.writeFileSync(path.join(d6, 'yolov8n.pt.part'), body.subarray(0, 1000));
    const warnings: string[] = [];
    const r6 = await fetchWeights('yolov8n', { dir: d6, url: `${srv.base}/norange`, warn: (m) => warnings.push(m) });
    assert.ok(fs.readFileSync(r6.file).equals(body));
    assert.match(warnings.join('\n'), /ignored the resume request/);

    // Already cached and verified: no request at all.
    const n = srv.log.length;
    const again = await fetchWeights('yolov8n', { dir: d4, url: `${srv.base}/ok` });
    assert.equal(again.downloaded, false);
    assert.equal(srv.log.length, n);

    // Unpinned: refused unless allowed, with the computed digest printed either way.
    const d7 = path.join(root, 'unpinned');
    const digest = crypto.createHash('sha256').update(body).digest('hex');
    const w7: string[] = [];
    await assert.rejects(fetchWeights('yolov8n', { dir: d7, url: `${srv.base}/ok`, pins: {}, warn: (m) => w7.push(m) }), new RegExp(`yolov8n\\.pt: its sha256 is not pinned.*--allow-unpinned.*${digest}`));
    assert.deepEqual(listDir(d7), []);
    assert.match(w7.join('\n'), new RegExp(`no sha256 is pinned.*${digest}`));
    const r7 = await fetchWeights('yolov8n', { dir: d7, url: `${srv.base}/ok`, pins: {}, allowUnpinned: true, warn: quiet });
    assert.equal(r7.sha256, digest);
    assert.deepEqual(listDir(d7), ['yolov8n.pt']);

    // resolveWeights: a bare name is looked up in the cache, then fetched (TACO_WEIGHTS_URL-style base).
    const d8 = path.join(root, 'resolve');
    assert.equal(await resolveWeights('yolov8n', { dir: d4 }), path.join(d4, 'yolov8n.pt'));
    await assert.rejects(resolveWeights('yolov8n', { dir: d8, download: false }), /yolov8n: not in the weights cache/);
    assert.equal(await resolveWeights('yolov8n.pt', { dir: d8, url: `${srv.base}/ok` }), path.join(d8, 'yolov8n.pt'));
    await assert.rejects(resolveWeights('nonexistent.safetensors'), /nonexistent\.safetensors: no such file, and not a weights name/);
  } finally {
    await srv.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('fetch: the cache folder follows TACO_WEIGHTS_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
  assert.equal(weightsCacheDir({ TACO_WEIGHTS_DIR: '/x/w' }), '/x/w');
  assert.equal(weightsCacheDir({ XDG_CACHE_HOME: '/c' }), '/c/taco-companion/weights');
  assert.equal(weightsCacheDir({}), path.join(os.homedir(), '.cache', 'taco-companion', 'weights'));
});
