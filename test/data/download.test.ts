import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';
import { downloadTaco } from '../../src/project/data/download';
import { readCocoFile } from '../../src/project/data/coco';
import { sharedPath } from '../helpers/shared';
import { tmpDir, solidJpeg, listTree } from './fixture';

/** 127.0.0.1 server: /ok/*, /slow/* (first request stalls), /flaky/* (500 twice), /trunc/* (cut once), /gone/* (404). */
async function startServer(images: Map<string, Buffer>) {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    const n = (hits.get(url) ?? 0) + 1;
    hits.set(url, n);
    const body = images.get(path.basename(url));
    const [, kind] = url.split('/');
    if (!body || kind === 'gone') { res.statusCode = 404; return res.end('no'); }
    if (kind === 'flaky' && n <= 2) { res.statusCode = 500; return res.end('busy'); }
    if (kind === 'slow' && n === 1) return setTimeout(() => { res.end(body); }, 1500).unref();
    if (kind === 'trunc' && n === 1) {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1));
      return setTimeout(() => res.destroy(), 20);
    }
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'image/jpeg' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, hits, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

test('download: concurrency, retries with backoff, timeouts, truncation, verification, resume (local server only)', async () => {
  const root = tmpDir('dl');
  const imgs = new Map<string, Buffer>();
  for (const n of ['a', 'b', 'c', 'd', 'e', 'f']) imgs.set(`${n}.jpg`, await solidJpeg(64, 48));
  imgs.set('wrongsize.jpg', await solidJpeg(30, 30));
  const srv = await startServer(imgs);
  try {
    const kinds: [string, string][] = [['a', 'ok'], ['b', 'slow'], ['c', 'flaky'], ['d', 'trunc'], ['e', 'gone'], ['f', 'ok'], ['wrongsize', 'ok']];
    const ann = {
      images: kinds.map(([n, k], i) => ({ id: i, file_name: `batch_${1 + (i % 2)}/${n}.jpg`, width: 64, height: 48, flickr_url: `${srv.base}/${k}/${n}.jpg` })),
      annotations: [], categories: [],
    };
    ann.images.push({ id: 99, file_name: '../escape.jpg', width: 64, height: 48, flickr_url: `${srv.base}/ok/a.jpg` });
    const annFile = path.join(root, 'annotations.json');
    fs.writeFileSync(annFile, JSON.stringify(ann));
    const out = path.join(root, 'data');
    const progress: number[] = [];
    const r = await downloadTaco({ annotations: annFile, out, concurrency: 3, retries: 3, backoffMs: 20, timeoutMs: 500, onProgress: (p) => progress.push(p.done) });
    assert.equal(r.total, 8);
    assert.equal(r.downloaded, 5, JSON.stringify(r.failed));
    assert.deepEqual(r.failed.map((f) => f.file).sort(), ['../escape.jpg', 'batch_1/e.jpg', 'batch_1/wrongsize.jpg']);
    assert.match(r.failed.find((f) => f.file === 'batch_1/e.jpg')!.error, /HTTP 404/);
    assert.match(r.failed.find((f) => f.file === 'batch_1/wrongsize.jpg')!.error, /decoded 30x30, annotated 64x48/);
    assert.equal(srv.hits.get('/gone/e.jpg'), 1, '404 is not retried');
    assert.equal(srv.hits.get('/flaky/c.jpg'), 3);
    assert.ok((srv.hits.get('/slow/b.jpg') ?? 0) >= 2 && (srv.hits.get('/trunc/d.jpg') ?? 0) >= 2);
    assert.equal(progress[progress.length - 1], 8);
    assert.deepEqual(listTree(out), ['batch_1/a.jpg', 'batch_1/c.jpg', 'batch_2/b.jpg', 'batch_2/d.jpg', 'batch_2/f.jpg']);
    for (const f of listTree(out)) assert.deepEqual(fs.readFileSync(path.join(out, f)), imgs.get(path.basename(f)));
    assert.ok(!fs.existsSync(path.join(root, 'escape.jpg')));

    // Resume: complete files are kept, a corrupted one is fetched again.
    fs.writeFileSync(path.join(out, 'batch_1/a.jpg'), imgs.get('a.jpg')!.subarray(0, 100));
    const before = srv.hits.get('/ok/a.jpg');
    const r2 = await downloadTaco({ annotations: annFile, out, concurrency: 3, retries: 1, backoffMs: 10, timeoutMs: 500 });
    assert.equal(r2.alreadyComplete, 4);
    assert.equal(r2.downloaded, 1);
    assert.equal(srv.hits.get('/ok/a.jpg'), (before ?? 0) + 1);
  } finally {
    await srv.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('download uses the URLs of the real TACO annotations.json (served locally)', async (t) => {
  const taco = sharedPath('data', 'taco', 'annotations.json');
  if (!taco) return t.skip('../shared/data/taco/annotations.json is absent (a user\'s clone has no ../shared): skipped');
  const real = readCocoFile(taco);
  const pick = real.images.slice(0, 3);
  const imgs = new Map<string, Buffer>();
  for (const im of pick) imgs.set(path.basename(new URL(String(im.flickr_url)).pathname), await solidJpeg(im.width, im.height));
  const srv = await startServer(imgs);
  const root = tmpDir('dlreal');
  try {
    // Same entries, same URL paths; only the host is swapped for the local server (no test touches the internet).
    const local = { ...real, images: pick.map((im) => ({ ...im, flickr_url: `${srv.base}/ok${new URL(String(im.flickr_url)).pathname}` })), annotations: [] };
    fs.writeFileSync(path.join(root, 'annotations.json'), JSON.stringify(local));
    const r = await downloadTaco({ annotations: path.join(root, 'annotations.json'), out: path.join(root, 'data'), retries: 0 });
    assert.equal(r.downloaded, 3, JSON.stringify(r.failed));
    assert.deepEqual(listTree(path.join(root, 'data')), pick.map((im) => im.file_name).sort());
  } finally {
    await srv.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
