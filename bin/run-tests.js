#!/usr/bin/env node
// `npm test`: type-check, then run every test/**/*.test.ts with node's test runner (through tsx).
// Extra arguments are test-file filters: `npm test -- cocoeval` runs files whose path contains "cocoeval".
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'fixtures' && e.name !== 'node_modules') out.push(...walk(p)); }
    else if (e.name.endsWith('.test.ts')) out.push(path.relative(root, p));
  }
  return out;
}
const filters = process.argv.slice(2);
const files = walk(path.join(root, 'test')).sort().filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) { console.error('run-tests: no test files matched'); process.exit(1); }
if (!process.env.TACO_SKIP_TYPECHECK && filters.length === 0) {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', root], { stdio: 'inherit', cwd: root });
  if (tsc.status !== 0) { console.error('run-tests: type check failed'); process.exit(tsc.status || 1); }
}
const conc = process.env.TACO_TEST_CONCURRENCY || '1';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${conc}`, ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status === null ? 1 : r.status);
