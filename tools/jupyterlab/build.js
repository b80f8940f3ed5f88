#!/usr/bin/env node
// Installs this sub-project's locked npm dependencies (npm ci) and builds the JupyterLab frontend into
// build/, printing how long each step took. `--no-install` skips npm ci (dependencies already there).
// Run from anywhere: node tools/jupyterlab/build.js
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const HERE = __dirname;
const seconds = (t0) => ((Date.now() - t0) / 1000).toFixed(1);
const t0 = Date.now();

if (!process.argv.includes('--no-install')) {
  const t = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--prefix', HERE], { stdio: 'inherit', cwd: HERE });
  if (r.status !== 0) process.exit(r.status || 1);
  console.log(`jupyterlab: npm ci ${seconds(t)} s`);
}

// Loaders and the theme builds resolve from the working directory: make it this sub-project.
process.chdir(HERE);
const t = Date.now();
fs.rmSync(path.join(HERE, 'build'), { recursive: true, force: true });
const webpack = require(require.resolve('webpack', { paths: [HERE] }));
const config = require(path.join(HERE, 'webpack.config.js'));
webpack(config, (err, stats) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  if (stats.hasErrors()) {
    console.error(stats.toString({ all: false, errors: true, errorDetails: true }));
    process.exit(1);
  }
  const bundle = fs.statSync(path.join(HERE, 'build', 'bundle.js')).size;
  console.log(`jupyterlab: webpack ${seconds(t)} s (bundle.js ${(bundle / 2 ** 20).toFixed(1)} MiB); total ${seconds(t0)} s`);
});
