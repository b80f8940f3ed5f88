/**
 * Bad inputs that already gave a clear error or a counted skip before the fault work (issue 16 tried about
 * 60, as a new user would): kept here as real processes so they stay that way. Each case makes the same
 * checks as the others: exit status, a message naming the file or option, nothing written outside out/,
 * no partial file that looks complete.
 */
import { after, test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, TINY_TRAIN, annotationsFor, cleanup, escapeRe, expectCase, images, killStarted, loopback, markInputs, picture, sandbox, taco, tinyDataset } from './helpers';
import { writeTacoFixture } from '../data/fixture';

after(() => killStarted());

interface Case {
  name: string;
  setup?: (sb: Sandbox, server: string) => Promise<void> | void;
  args: (sb: Sandbox, server: string) => string[];
  status: number;
  message: (sb: Sandbox) => RegExp;
}

const inp = (sb: Sandbox, ...p: string[]) => path.join(sb.inDir, ...p);
const out = (sb: Sandbox, ...p: string[]) => path.join(sb.outDir, ...p);
const GT = { images: [{ id: 1, width: 100, height: 100 }], annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 20, 20], area: 400, iscrowd: 0 }], categories: [{ id: 1, name: 'x' }] };

const CASES: Case[] = [
  {
    name: 'train: data.yaml missing',
    args: (sb) => ['train', '--data', inp(sb, 'nope', 'data.yaml'), ...TINY_TRAIN, '--project', out(sb)],
    status: 1,
    message: (sb) => new RegExp(`${escapeRe(inp(sb, 'nope', 'data.yaml'))}: data\\.yaml not found`),
  },
  {
    name: 'train --resume: not a run folder',
    setup: (sb) => fs.mkdirSync(out(sb, 'exp')),
    args: (sb) => ['train', '--resume', out(sb, 'exp')],
    status: 1,
    message: (sb) => new RegExp(`${escapeRe(out(sb, 'exp', 'args.json'))}: not a training run folder`),
  },
  {
    name: 'train: a bad label line names the file and the line',
    setup: async (sb) => { await tinyDataset(inp(sb, 'ds'), { train: [...images(1), { name: 'bad.jpg', label: '0 0.5 0.5 0.1\n' }], val: images(1, 'v') }); },
    args: (sb) => ['train', '--data', inp(sb, 'ds', 'data.yaml'), ...TINY_TRAIN, '--epochs', '1', '--project', out(sb)],
    status: 1,
    message: (sb) => new RegExp(`${escapeRe(inp(sb, 'ds', 'labels', 'train', 'bad.txt'))}:1: expected 'cls cx cy w h'`),
  },
  {
    name: 'val: weights file missing',
    setup: async (sb) => { await tinyDataset(inp(sb, 'ds'), { train: images(1), val: images(1, 'v') }); },
    args: (sb) => ['val', '--weights', inp(sb, 'missing.safetensors'), '--data', inp(sb, 'ds', 'data.yaml'), '--imgsz', '64', '--backend', 'wasm', '--project', out(sb)],
    status: 1,
    message: (sb) => new RegExp(escapeRe(inp(sb, 'missing.safetensors'))),
  },
  {
    name: 'predict: source missing',
    args: (sb) => ['predict', '--weights', inp(sb, 'w.safetensors'), '--source', inp(sb, 'nothing-here'), '--project', out(sb)],
    status: 1,
    message: (sb) => new RegExp(escapeRe(inp(sb, 'nothing-here'))),
  },
  {
    name: 'data prepare: annotations file is not JSON',
    setup: async (sb) => {
      await writeTacoFixture(inp(sb, 'taco'), [{ file: 'batch_1/a.jpg', bytes: await picture(), width: 64, height: 64 }]);
      fs.writeFileSync(inp(sb, 'taco', 'detect-waste', 'annotations_train.json'), '{"images": [');
    },
    args: (sb) => ['data', 'prepare', '--taco', inp(sb, 'taco'), '--out', out(sb, 'ds')],
    status: 1,
    message: (sb) => new RegExp(`${escapeRe(inp(sb, 'taco', 'detect-waste', 'annotations_train.json'))}.*not valid JSON`),
  },
  {
    name: 'data prepare: a file_name with .. is never read, and counted',
    setup: async (sb) => {
      const pic = await picture();
      fs.writeFileSync(path.join(sb.root, 'secret.jpg'), pic);
      await writeTacoFixture(inp(sb, 'taco'), [
        { file: 'batch_1/a.jpg', bytes: pic, width: 64, height: 64 },
        { file: '../../../secret.jpg', width: 64, height: 64 },
        { file: 'batch_1/t.jpg', bytes: pic, width: 64, height: 64, test: true },
      ]);
    },
    args: (sb) => ['data', 'prepare', '--taco', inp(sb, 'taco'), '--out', out(sb, 'ds'), '--imgsz', '64', '--val', '0'],
    status: 0,
    message: () => /images skipped: unsafePath 1[\s\S]*\.\.\/\.\.\/\.\.\/secret\.jpg/,
  },
  {
    name: 'data prepare: --out inside the input is refused',
    setup: async (sb) => { await writeTacoFixture(inp(sb, 'taco'), [{ file: 'batch_1/a.jpg', bytes: await picture(), width: 64, height: 64 }]); },
    args: (sb) => ['data', 'prepare', '--taco', inp(sb, 'taco'), '--out', inp(sb, 'taco', 'out')],
    status: 1,
    message: (sb) => new RegExp(`--out ${escapeRe(inp(sb, 'taco', 'out'))} overlaps the input folder`),
  },
  {
    name: 'data prepare: --out holding other data is refused, untouched',
    setup: (sb) => { fs.mkdirSync(out(sb, 'ds')); fs.writeFileSync(out(sb, 'ds', 'thesis.tex'), 'mine'); },
    args: (sb) => ['data', 'prepare', '--out', out(sb, 'ds')],
    status: 1,
    message: (sb) => new RegExp(`--out ${escapeRe(out(sb, 'ds'))} already holds other data \\(thesis\\.tex\\)`),
  },
  {
    name: 'data download: a file_name with .. is refused and counted; nothing lands outside',
    setup: (sb, server) => annotationsFor(inp(sb, 'a.json'), [{ file: '../escape.jpg', url: `${server}/a.jpg` }, { file: 'batch_1/a.jpg', url: `${server}/a.jpg` }]),
    args: (sb) => ['data', 'download', '--annotations', inp(sb, 'a.json'), '--out', out(sb, 'data'), '--retries', '0'],
    status: 2,
    message: () => /failed \.\.\/escape\.jpg: unsafe file_name/,
  },
  {
    name: 'data download: HTTP 404 is a counted failure naming the file',
    setup: (sb, server) => annotationsFor(inp(sb, 'a.json'), [{ file: 'batch_1/gone.jpg', url: `${server}/gone.jpg` }]),
    args: (sb) => ['data', 'download', '--annotations', inp(sb, 'a.json'), '--out', out(sb, 'data'), '--retries', '0'],
    status: 2,
    message: () => /failed batch_1\/gone\.jpg: HTTP 404/,
  },
  {
    name: 'data download: annotations.json missing',
    args: (sb) => ['data', 'download', '--out', out(sb, 'data')],
    status: 1,
    message: (sb) => new RegExp(`${escapeRe(out(sb, 'data', 'annotations.json'))} does not exist`),
  },
  {
    name: 'data stats: not a prepared folder',
    args: (sb) => ['data', 'stats', '--data', inp(sb)],
    status: 1,
    message: (sb) => new RegExp(`${escapeRe(inp(sb))}: no coco/ folder`),
  },
  {
    name: 'cocoeval: a result on an unknown image id',
    setup: (sb) => {
      fs.writeFileSync(inp(sb, 'gt.json'), JSON.stringify(GT));
      fs.writeFileSync(inp(sb, 'dt.json'), JSON.stringify([{ image_id: 7, category_id: 1, bbox: [1, 1, 5, 5], score: 0.9 }]));
    },
    args: (sb) => ['cocoeval', inp(sb, 'gt.json'), inp(sb, 'dt.json')],
    status: 1,
    message: (sb) => new RegExp(`${escapeRe(inp(sb, 'dt.json'))}.*image_id 7`),
  },
  {
    name: 'cocoeval: an unknown category is a counted warning (pycocotools ignores it)',
    setup: (sb) => {
      fs.writeFileSync(inp(sb, 'gt.json'), JSON.stringify(GT));
      fs.writeFileSync(inp(sb, 'dt.json'), JSON.stringify([{ image_id: 1, category_id: 1, bbox: [10, 10, 20, 20], score: 0.9 }, { image_id: 1, category_id: 9, bbox: [1, 1, 5, 5], score: 0.5 }]));
    },
    args: (sb) => ['cocoeval', inp(sb, 'gt.json'), inp(sb, 'dt.json')],
    status: 0,
    message: () => /warning: .*categor/i,
  },
  {
    name: 'cocoeval: ground truth missing',
    args: (sb) => ['cocoeval', inp(sb, 'gt.json'), inp(sb, 'dt.json')],
    status: 1,
    message: (sb) => new RegExp(`${escapeRe(inp(sb, 'gt.json'))}: cannot read`),
  },
  {
    name: 'model summary: --imgsz not a multiple of 32',
    args: () => ['model', 'summary', '--imgsz', '100'],
    status: 1,
    message: () => /--imgsz.*multiple of 32/,
  },
  {
    name: 'nb run: the notebook does not exist',
    args: (sb) => ['nb', 'run', inp(sb, 'missing.ipynb'), '--out', out(sb, 'x.ipynb')],
    status: 1,
    message: (sb) => new RegExp(escapeRe(inp(sb, 'missing.ipynb'))),
  },
  {
    name: 'train: an unreadable picture is skipped with a warning naming it, never fatal',
    setup: async (sb) => { await tinyDataset(inp(sb, 'ds'), { train: [...images(3), { name: 'broken.jpg', bytes: Buffer.from('not a picture') }], val: images(1, 'v') }); },
    args: (sb) => ['train', '--data', inp(sb, 'ds', 'data.yaml'), ...TINY_TRAIN, '--epochs', '1', '--project', out(sb)],
    status: 0,
    message: (sb) => new RegExp(`warning: skipped ${escapeRe(inp(sb, 'ds', 'images', 'train', 'broken.jpg'))}`),
  },
];

for (const c of CASES) {
  test(c.name, async () => {
    const sb = sandbox('clear');
    const pic = await picture();
    const srv = await loopback((req, res) => {
      if (req.url === '/a.jpg') { res.writeHead(200, { 'content-length': pic.length }); return res.end(pic); }
      res.statusCode = 404;
      res.end('no');
    });
    try {
      await c.setup?.(sb, srv.base);
      markInputs(sb);
      const r = await taco(c.args(sb, srv.base), { cwd: sb.root, timeoutMs: 120_000 });
      await expectCase(sb, r, { status: c.status, message: c.message(sb) });
    } finally {
      await srv.close();
      cleanup(sb);
    }
  });
}
