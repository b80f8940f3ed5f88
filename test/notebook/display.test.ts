import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { createProgress } from '../../src/notebook/display/progress';
import { formatDuration, formatProgressText, rateAndEta } from '../../src/notebook/display/progress-format';
import { tableBundle } from '../../src/notebook/display/table';
import { imageBundle, imageBundleFrom, imageSize, sniffImage } from '../../src/notebook/display/image';
import { plotlyBundle, plotlyRelativeUrl, plotlySummary } from '../../src/notebook/display/plotly';
import { escapeHtml, jsonForScript } from '../../src/notebook/display/escape';
import { inKernel } from '../../src/notebook/display/kernel-bridge';

test('progress: rate, ETA and the text line', () => {
  const st = { label: 'train', value: 25, total: 100, elapsed: 5, unit: 'img', done: false };
  assert.deepEqual(rateAndEta(st), { rate: 5, eta: 15 });
  assert.equal(formatProgressText(st, 10), 'train [###-------] 25/100 25% 5.00 img/s ETA 00:15 (00:05)');
  assert.equal(formatDuration(3725), '1:02:05');
  assert.match(formatProgressText({ ...st, value: 1, elapsed: 4 }), /4\.00 s\/img/);
});

test('progress: a terminal gets \\r redraws (throttled), a log gets lines, done() is final', () => {
  let t = 0;
  const writes: string[] = [];
  const tty = { isTTY: true, columns: 200, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WritableStream & { isTTY: boolean };
  const p = createProgress({ total: 4, label: 'x', stream: tty, now: () => t, renderer: 'auto' });
  t = 10; p.tick(); // inside minInterval: not drawn
  t = 200; p.tick();
  t = 400; p.update(4, 'note');
  p.done();
  p.tick(); // ignored after done
  assert.equal(p.value, 4);
  assert.ok(writes.every((w) => w.startsWith('\r')));
  assert.equal(writes.length, 4); // start, t=200, t=400, done
  assert.match(writes[writes.length - 1], /4\/4 100% .*done in 00:00 note\x1b\[K\n$/);
  const lines: string[] = [];
  const log = { isTTY: false, write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WritableStream;
  t = 0;
  const q = createProgress({ total: 10, stream: log, now: () => t, logEveryS: 10 });
  for (let i = 1; i <= 10; i++) { t = i * 3000; q.tick(); }
  q.done();
  assert.equal(lines.length, 2 + 1); // at 12 s and 24 s (>= 10 s apart), and the final line
  assert.ok(lines.every((l) => l.endsWith('\n') && !l.includes('\r')));
  assert.equal(inKernel(), false);
});

test('table: escaped HTML, aligned text, objects and arrays', () => {
  const b = tableBundle([{ name: '<b>&"x"', n: 1.23456 }, { name: 'y', n: 10, extra: true }], { caption: 'c<' });
  assert.match(String(b['text/html']), /<td>&lt;b&gt;&amp;&quot;x&quot;<\/td><td style="text-align:right">1\.2346<\/td><td><\/td>/);
  assert.match(String(b['text/html']), /<caption>c&lt;<\/caption>/);
  assert.equal(b['text/plain'], ['c<', 'name          n  extra', '-------  ------  -----', '<b>&"x"  1.2346', 'y            10  true'].join('\n'));
  const arr = tableBundle([[1, 'a'], [22, 'b']], { columns: ['k', 'v'] });
  assert.equal(arr['text/plain'], ' k  v\n--  -\n 1  a\n22  b');
  assert.equal(escapeHtml(`<'&">`), '&lt;&#39;&amp;&quot;&gt;');
});

test('image: PNG and JPEG from sharp, sniffed, sized, base64 with a text fallback', async () => {
  const raw = sharp({ create: { width: 7, height: 5, channels: 3, background: { r: 200, g: 10, b: 10 } } });
  const png = await raw.clone().png().toBuffer();
  const jpg = await raw.clone().jpeg().toBuffer();
  assert.equal(sniffImage(png), 'png');
  assert.equal(sniffImage(jpg), 'jpeg');
  assert.deepEqual(imageSize(png), { width: 7, height: 5 });
  assert.deepEqual(imageSize(jpg), { width: 7, height: 5 });
  const { bundle, metadata } = imageBundle(jpg, { width: 70, alt: 'red' });
  assert.equal(bundle['image/jpeg'], jpg.toString('base64'));
  assert.match(bundle['text/plain'], /^<image\/jpeg 7x5, .* KiB: red>$/);
  assert.deepEqual(metadata, { 'image/jpeg': { width: 70 } });
  const fromSharp = await imageBundleFrom(raw.clone());
  assert.equal(Buffer.from(String(fromSharp.bundle['image/png']), 'base64').subarray(1, 4).toString(), 'PNG');
  assert.throws(() => imageBundle(Buffer.from('GIF89a')), /neither PNG nor JPEG/);
});

test('plotly: one div + loader script, no plotly.js inside, data cannot close the script, readable fallback', () => {
  const fig = { data: [{ x: [0, 1, 2], y: [3, 1, 2], name: '</script><b>', type: 'scatter' }], layout: { title: { text: 'T' } } };
  const b = plotlyBundle(fig);
  const html = String(b['text/html']);
  assert.ok(html.length < 10_000, 'plotly.js is not embedded');
  assert.equal((html.match(/<\/script>/g) ?? []).length, 1, 'only the closing tag of our script');
  assert.match(html, /<pre class="taco-plotly-fallback">Plotly figure: T \(1 trace\)\n- &lt;\/script&gt;&lt;b&gt; \(scatter, x: 3 values in \[0, 2\], y: 3 values in \[1, 3\]\)<\/pre>/);
  assert.equal(b['text/plain'], plotlySummary(fig));
  assert.match(html, /node_modules\/plotly\.js-dist\/plotly\.js/);
  assert.equal(plotlyRelativeUrl('/x/notebooks').endsWith('node_modules/plotly.js-dist/plotly.js'), true);
  const page = String(plotlyBundle(fig, { mode: 'page' })['text/html']);
  assert.doesNotMatch(page, /files\//);
  assert.match(page, /window\.Plotly\.newPlot/);
  assert.equal(jsonForScript({ s: '</script>\u2028' }), '{"s":"\\u003c/script\\u003e\\u2028"}');
});
