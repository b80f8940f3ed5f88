import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { functionSource, LOSS_SOURCES, sourceMarkdown } from '../../src/project/part1/source';
import { lossMarkdown } from '../../src/project/part1/loss-text';
import { part1Config } from '../../src/project/part1/config';
import { runState } from '../../src/project/part1/train-or-reuse';
import { checkFormulas } from '../../src/notebook/display/math';
import { part1NotebookJson, PART1_NOTEBOOK } from '../../src/project/part1/notebook';

test('the loss source shown is the real function text, doc comment included, read from src/', () => {
  const src = functionSource('src/project/loss/dfl.ts', 'dflLoss');
  const file = fs.readFileSync(path.resolve(__dirname, '..', '..', 'src/project/loss/dfl.ts'), 'utf8');
  assert.ok(file.includes(src), 'a verbatim slice of the file');
  assert.match(src, /^\/\*\* Sum over rows/);
  assert.match(src, /export function dflLoss\(/);
  assert.match(src, /\n\}$/);
  const md = sourceMarkdown(LOSS_SOURCES);
  for (const p of LOSS_SOURCES) assert.ok(md.includes(`export function ${p.name}(`), p.name);
  assert.equal((md.match(/```ts/g) ?? []).length, LOSS_SOURCES.length);
  assert.throws(() => functionSource('src/project/loss/dfl.ts', 'noSuchFunction'), /no top-level function or const named noSuchFunction/);
});

test('the loss math compiles with KaTeX and carries the gains of the code', () => {
  const md = lossMarkdown();
  assert.ok(checkFormulas(md) >= 8);
  assert.match(md, /\\lambda_\{box\} = 7\.5,\\ \\lambda_\{cls\} = 0\.5,\\ \\lambda_\{dfl\} = 1\.5/);
  assert.ok(!md.includes('\\`'), 'no escaped backticks left');
});

test('runState: nothing, a finished run of this configuration, an interrupted one, another configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-p1state-'));
  try {
    const c = part1Config({ TACO_EPOCHS: '3', TACO_RUNS: dir }, dir);
    const run = path.join(c.project, c.name);
    const data = path.join(dir, 'data.yaml');
    assert.deepEqual(runState(run, c, data), { kind: 'none' });
    fs.mkdirSync(path.join(run, 'weights'), { recursive: true });
    const args = { model: c.model, imgsz: c.imgsz, epochs: 3, batch: c.batch, data, patience: 50 };
    fs.writeFileSync(path.join(run, 'args.json'), JSON.stringify(args));
    assert.deepEqual(runState(run, c, data), { kind: 'interrupted', epochs: 0 });
    fs.writeFileSync(path.join(run, 'weights', 'best.safetensors'), '');
    fs.writeFileSync(path.join(run, 'weights', 'last.json'), JSON.stringify({ epoch: 1, bestEpoch: 1 }));
    assert.deepEqual(runState(run, c, data), { kind: 'interrupted', epochs: 2 });
    fs.writeFileSync(path.join(run, 'weights', 'last.json'), JSON.stringify({ epoch: 2, bestEpoch: 2 }));
    assert.deepEqual(runState(run, c, data), { kind: 'finished' });
    fs.writeFileSync(path.join(run, 'args.json'), JSON.stringify({ ...args, imgsz: 640 }));
    assert.deepEqual(runState(run, c, data), { kind: 'other-config' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('notebooks/Part1_MiniProject.ipynb is what the generator writes (regenerate: writePart1Notebook())', () => {
  assert.equal(fs.readFileSync(PART1_NOTEBOOK, 'utf8'), part1NotebookJson());
  const nb = JSON.parse(part1NotebookJson()) as { cells: { cell_type: string; source: string[] }[] };
  const headings = nb.cells.filter((c) => c.cell_type === 'markdown').flatMap((c) => c.source.join('').split('\n').filter((l) => l.startsWith('#')));
  for (const h of ['## Creating the Datasets', '### Downloading the data', '### Data Directory Preprocessing', '## Creating the Model', '### YOLOv8', '### Model Architecture', '#### Loss function', '#### Optimization', '## Evaluating the Model', '### Predicting on the test set', '### COCO evaluation', '## Results and Discussion', '### Training and Validation results', '### YOLO test results']) {
    assert.ok(headings.includes(h), `heading ${h}`);
  }
});
