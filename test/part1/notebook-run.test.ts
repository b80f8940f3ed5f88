import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runNotebook } from '../../src/notebook/runner/run-notebook';
import { PART1_NOTEBOOK } from '../../src/project/part1/notebook';

interface Output { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }

const text = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join('') : t ?? '');

// One real kernel on a tiny configuration (2 epochs at 64 px, its own dataset and runs folders), so the
// whole notebook is exercised top to bottom in well under a minute without touching the demo's checkpoint.
test('Part 1 notebook runs top to bottom through the runner on a small configuration, with nothing on stderr', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-part1nb-'));
  try {
    const out = path.join(dir, 'Part1_MiniProject.ipynb');
    const r = await runNotebook(PART1_NOTEBOOK, {
      out,
      timeoutS: 240,
      env: { TACO_EPOCHS: '2', TACO_IMGSZ: '64', TACO_BATCH: '8', TACO_RUNS: path.join(dir, 'runs'), TACO_DATA_OUT: path.join(dir, 'data') },
    });
    assert.equal(r.ok, true, r.failure ? `cell ${r.failure.codeCell}: ${r.failure.message}` : '');
    const nb = JSON.parse(fs.readFileSync(out, 'utf8')) as { cells: { cell_type: string; outputs?: Output[] }[] };
    const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
    assert.deepEqual(outputs.filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr')).map((o) => text(o.text)), []);
    const plain = outputs.map((o) => (o.output_type === 'stream' ? text(o.text) : String(o.data?.['text/plain'] ?? ''))).join('\n');
    assert.match(plain, /run\s+how\s+epochs/);
    assert.match(plain, /part1-mini-yolov8n-64-e2\s+trained\s+2/);
    assert.match(plain, /Average Precision {2}\(AP\) @\[ IoU=0\.50:0\.95 \| area= {3}all \| maxDets=100 \] = \d\.\d{3}/);
    assert.match(plain, /\*\*Setup\.\*\* yolov8n trained for 2 of 2 epochs at 64x64 on the SYNTHETIC TACO-mini/);
    const plots = outputs.filter((o) => o.data && 'application/vnd.plotly.v1+json' in o.data || /Plotly figure/.test(String(o.data?.['text/plain'] ?? '')));
    assert.ok(plots.length >= 9, `${plots.length} plotly figures`); // 3 dataset, LR, results, 4 confusion matrices
    const images = outputs.filter((o) => o.data && ('image/png' in o.data || 'image/jpeg' in o.data));
    assert.equal(images.length, 3); // ground-truth samples, architecture, test predictions
    const html = outputs.map((o) => String(o.data?.['text/html'] ?? '')).join('\n');
    assert.match(html, /<math/); // the loss formulas were rendered by KaTeX
    assert.match(html, /export function detectionLoss\(/); // the real source of the loss
    assert.ok(fs.existsSync(path.join(dir, 'runs', 'part1-mini-yolov8n-64-e2', 'weights', 'best.safetensors')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
