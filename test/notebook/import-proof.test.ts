import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newNotebook, writeNotebookAtomic, CodeCell, Notebook } from '../../src/notebook/runner/nbformat';
import { runNotebook } from '../../src/notebook/runner/run-notebook';

// Every module under src/ must import cleanly from a tslab cell, the way notebooks do it
// (`import ... from "../src/..."` from a folder beside src/): tslab compiles with its own
// TypeScript 5.0 and fixed options, and runs the result under its own require.
const ROOT = path.resolve(__dirname, '..', '..');
// Running it would parse argv and exit.
const SKIP = new Set(['src/cli/run.ts']);

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

test('a tslab cell imports every module under src/ with no error and no stderr', async () => {
  const modules = walk(path.join(ROOT, 'src'))
    .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
    .filter((f) => !SKIP.has(f))
    .sort();
  assert.ok(modules.length > 5, 'found the modules');
  const imports = modules.map((m, i) => `import * as m${i} from "../${m.replace(/\.ts$/, '')}";`).join('\n');
  const check = `const mods: Record<string, object> = { ${modules.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(', ')} };\n` +
    'const bad = Object.entries(mods).filter(([, m]) => typeof m !== "object" || m === null).map(([k]) => k);\n' +
    'console.log(`imported ${Object.keys(mods).length} modules; not objects: ${bad.length ? bad.join(", ") : "none"}`);';
  // A folder beside src/, so the relative form is exactly the notebooks' "../src/...".
  const dir = fs.mkdtempSync(path.join(ROOT, '.nbtest-'));
  try {
    const input = path.join(dir, 'import-all.ipynb');
    writeNotebookAtomic(input, newNotebook([{ type: 'code', source: `${imports}\n${check}` }]));
    const out = path.join(dir, 'import-all.out.ipynb');
    const r = await runNotebook(input, { out, timeoutS: 240 });
    const nb = JSON.parse(fs.readFileSync(out, 'utf8')) as Notebook;
    const outputs = (nb.cells[0] as CodeCell).outputs;
    const stderr = outputs.filter((o) => o.output_type === 'stream' && o.name === 'stderr');
    assert.equal(r.ok, true, `the import cell failed:\n${r.failure?.message}`);
    assert.deepEqual(stderr, [], 'no stderr output (graders count it as a failure)');
    const stdout = outputs.map((o) => (o.output_type === 'stream' ? [o.text].flat().join('') : '')).join('');
    assert.match(stdout, new RegExp(`imported ${modules.length} modules; not objects: none`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
