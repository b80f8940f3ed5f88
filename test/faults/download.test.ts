/**
 * Case 7: downloads and links. A response is streamed to disk under a per-file size limit (an 800 MB
 * answer used to take 2.5 GB of memory); a corrupt file whose refetch fails is not left in place; no file
 * is read or written through a link that leaves the chosen folder (`prepare` read a picture outside the
 * dataset through one, `download` wrote through a linked batch folder), and each skip says so.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { annotationsFor, cleanup, escapeRe, expectCase, killStarted, loopback, markInputs, picture, sandbox, taco } from './helpers';
import { writeTacoFixture } from '../data/fixture';

after(() => killStarted());

test('a response over --max-size is cut off while streaming, with or without a content-length; nothing is kept', async () => {
  const sb = sandbox('dl-big');
  const aborted: string[] = [];
  const srv = await loopback((req, res) => {
    const chunk = Buffer.alloc(64 * 1024, 0xff);
    let sent = 0;
    // Announced: 8 MB, refused from the header. Chunked: 256 MB, more than socket buffers hold, so a client that
    // stops reading at the limit is seen to hang up early.
    const total = req.url === '/sized.jpg' ? 8 * 1024 * 1024 : 256 * 1024 * 1024;
    res.on('close', () => { if (sent < total) aborted.push(req.url as string); });
    res.writeHead(200, req.url === '/sized.jpg' ? { 'content-length': total } : {});
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  try {
    const ann = path.join(sb.inDir, 'annotations.json');
    annotationsFor(ann, [{ file: 'batch_1/sized.jpg', url: `${srv.base}/sized.jpg` }, { file: 'batch_1/chunked.jpg', url: `${srv.base}/chunked.jpg` }]);
    markInputs(sb);
    const out = path.join(sb.outDir, 'data');
    const r = await taco(['data', 'download', '--annotations', ann, '--out', out, '--max-size', '1', '--retries', '0'], { cwd: sb.root, timeoutMs: 60_000 });
    await expectCase(sb, r, { status: 2, message: /batch_1\/sized\.jpg.*larger than.*1 MB/ });
    assert.match(r.out, /batch_1\/chunked\.jpg.*larger than.*1 MB/);
    assert.deepEqual(fs.existsSync(path.join(out, 'batch_1')) ? fs.readdirSync(path.join(out, 'batch_1')) : [], []);
    assert.ok(aborted.includes('/chunked.jpg'), 'the chunked response was read to its end');
  } finally {
    await srv.close();
    cleanup(sb);
  }
});

test('a corrupt file whose refetch fails is removed, and the report says so', async () => {
  const sb = sandbox('dl-corrupt');
  const srv = await loopback((_req, res) => { res.statusCode = 404; res.end('gone'); });
  try {
    const pic = await picture();
    const ann = path.join(sb.inDir, 'annotations.json');
    annotationsFor(ann, [{ file: 'batch_1/a.jpg', url: `${srv.base}/a.jpg` }]);
    const out = path.join(sb.outDir, 'data');
    fs.mkdirSync(path.join(out, 'batch_1'), { recursive: true });
    fs.writeFileSync(path.join(out, 'batch_1', 'a.jpg'), pic.subarray(0, pic.length >> 1));
    markInputs(sb);
    const r = await taco(['data', 'download', '--annotations', ann, '--out', out, '--retries', '0'], { cwd: sb.root, timeoutMs: 60_000 });
    await expectCase(sb, r, { status: 2, message: /batch_1\/a\.jpg.*HTTP 404.*removed/ });
    assert.ok(!fs.existsSync(path.join(out, 'batch_1', 'a.jpg')), 'the corrupt partial file is still there');
  } finally {
    await srv.close();
    cleanup(sb);
  }
});

test('download neither writes through a linked batch folder nor reads through a linked file that leave --out', async () => {
  const sb = sandbox('dl-link');
  const pic = await picture();
  const srv = await loopback((_req, res) => { res.writeHead(200, { 'content-length': pic.length }); res.end(pic); });
  try {
    const elsewhere = path.join(sb.root, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'private.jpg'), pic);
    const out = path.join(sb.outDir, 'data');
    fs.mkdirSync(path.join(out, 'batch_2'), { recursive: true });
    fs.symlinkSync(elsewhere, path.join(out, 'batch_1'));
    fs.symlinkSync(path.join(elsewhere, 'private.jpg'), path.join(out, 'batch_2', 'b.jpg'));
    const ann = path.join(sb.inDir, 'annotations.json');
    annotationsFor(ann, [
      { file: 'batch_1/a.jpg', url: `${srv.base}/a.jpg` },
      { file: 'batch_2/b.jpg', url: `${srv.base}/b.jpg` },
      { file: 'batch_2/c.jpg', url: `${srv.base}/c.jpg` },
    ]);
    markInputs(sb);
    const r = await taco(['data', 'download', '--annotations', ann, '--out', out, '--retries', '0', '--json'], { cwd: sb.root, timeoutMs: 60_000 });
    await expectCase(sb, r, { status: 2, message: new RegExp(`batch_1/a\\.jpg[\\s\\S]*batch_1 is a symbolic link to ${escapeRe(elsewhere)}`) });
    const rep = JSON.parse(r.stdout);
    assert.deepEqual(rep.failed.map((f: { file: string }) => f.file).sort(), ['batch_1/a.jpg', 'batch_2/b.jpg']);
    assert.match(rep.failed.find((f: { file: string }) => f.file === 'batch_2/b.jpg').error, /link/);
    assert.equal(rep.downloaded, 1);
    assert.deepEqual(fs.readdirSync(elsewhere), ['private.jpg']);
  } finally {
    await srv.close();
    cleanup(sb);
  }
});

test('prepare does not read a picture through a link that leaves the TACO folder, and says so', async () => {
  const sb = sandbox('prep-link');
  try {
    const pic = await picture();
    const taco0 = path.join(sb.inDir, 'taco');
    await writeTacoFixture(taco0, [
      { file: 'batch_1/a.jpg', bytes: pic, width: 64, height: 64 },
      { file: 'batch_1/b.jpg', width: 64, height: 64 },
      { file: 'batch_2/c.jpg', width: 64, height: 64 },
      { file: 'batch_2/d.jpg', bytes: pic, width: 64, height: 64, test: true },
    ]);
    const elsewhere = path.join(sb.root, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'private.jpg'), pic);
    fs.symlinkSync(path.join(elsewhere, 'private.jpg'), path.join(taco0, 'data', 'batch_1', 'b.jpg'));
    // A link that stays inside the data folder is an ordinary file.
    fs.mkdirSync(path.join(taco0, 'data', 'batch_2'), { recursive: true });
    fs.symlinkSync(path.join('..', 'batch_1', 'a.jpg'), path.join(taco0, 'data', 'batch_2', 'c.jpg'));
    markInputs(sb);
    const out = path.join(sb.outDir, 'ds');
    const r = await taco(['data', 'prepare', '--taco', taco0, '--out', out, '--imgsz', '64', '--val', '0', '--json'], { cwd: sb.root, timeoutMs: 60_000 });
    await expectCase(sb, r, { status: 0 });
    const s = JSON.parse(r.stdout);
    assert.equal(s.images.train, 2, JSON.stringify(s.images));
    assert.equal(s.imagesSkipped.unsafePath, 1);
    assert.match(s.skippedExamples.unsafePath.join('\n'), new RegExp(`batch_1/b\\.jpg.*link.*${escapeRe(elsewhere)}`));
    const plain = await taco(['data', 'prepare', '--taco', taco0, '--out', out, '--imgsz', '64', '--val', '0'], { cwd: sb.root, timeoutMs: 60_000 });
    await expectCase(sb, plain, { status: 0, message: /unsafePath 1[\s\S]*batch_1\/b\.jpg.*link/ });
  } finally {
    cleanup(sb);
  }
});
