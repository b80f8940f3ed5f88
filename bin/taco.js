#!/usr/bin/env node
// Entry of the `taco` CLI. Sources are TypeScript: node runs them through tsx's loader (`--import tsx`),
// which handles both require() and dynamic import(), so users need no build step.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const main = path.join(__dirname, '..', 'src', 'cli', 'run.ts');
// tsx resolved from here, not from the working directory: `taco` runs from any folder.
const tsx = pathToFileURL(require.resolve('tsx', { paths: [path.join(__dirname, '..')] })).href;
const r = spawnSync(process.execPath, ['--import', tsx, ...process.execArgv, main, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: process.cwd(),
  env: process.env,
});
if (r.error) {
  process.stderr.write(`taco: could not start node: ${r.error.message}\n`);
  process.exit(1);
}
process.exit(r.status === null ? 1 : r.status);
