import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { addonUnavailable } from '../../src/project/backend/native/addon';

const ROOT = path.resolve(__dirname, '..', '..');
const taco = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin', 'taco.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

test('automatic choice falls back to wasm without tfjs-node, and says why', () => {
  const r = taco(['doctor', '--json'], { TACO_BACKEND: '' });
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.ok(['tensorflow', 'webgpu', 'native', 'wasm'].includes(info.name), info.name);
  if (info.name === 'wasm') assert.match(JSON.stringify(info.tried), /tfjs-node/);
  assert.equal(r.stderr, '', 'no banner or warning on stderr');
});

test('TACO_BACKEND and --backend force a choice; unknown names are an error', () => {
  const a = taco(['doctor', '--json'], { TACO_BACKEND: 'cpu' });
  assert.equal(JSON.parse(a.stdout).name, 'cpu');
  assert.match(JSON.parse(a.stdout).reason, /TACO_BACKEND/);
  const b = taco(['doctor', '--json', '--backend', 'cpu'], { TACO_BACKEND: 'wasm' });
  assert.equal(JSON.parse(b.stdout).name, 'cpu');
  const c = taco(['doctor', '--backend', 'bogus']);
  assert.notEqual(c.status, 0);
  assert.match(c.stderr, /unknown backend "bogus"/);
});

test('tensor ops on the selected backend print nothing to stderr (banner silenced)', () => {
  const code = `
    const { initBackend } = require('./src/project/backend/init.ts');
    const tf = require('@tensorflow/tfjs-core');
    initBackend({ backend: 'cpu' }).then(() => { const t = tf.add(tf.ones([2]), 1); console.log(t.dataSync().join(',')); });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.stdout.trim(), '2,2');
  assert.equal(r.stderr, '');
});

test('the taco CLI runs from any working directory (its TypeScript loader resolves from the package, not the cwd)', () => {
  const away = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-cwd-'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'taco.js'), 'model', 'summary', '--scale', 'n', '--json'], { cwd: away, encoding: 'utf8' });
  fs.rmSync(away, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr.slice(-500));
  assert.equal(JSON.parse(r.stdout).params > 3e6, true);
});

test('doctor names the native engine\'s convolution algorithm: Winograd, or why not', { skip: addonUnavailable() }, () => {
  const on = JSON.parse(taco(['doctor', '--json', '--backend', 'native']).stdout);
  const avx512 = fs.existsSync('/proc/cpuinfo') && fs.readFileSync('/proc/cpuinfo', 'utf8').includes('avx512f');
  assert.match(on.engines.native, avx512 ? /Winograd 3x3 convolutions \(jit_wino/ : /direct convolutions only \(no Winograd on this CPU/);
  const off = JSON.parse(taco(['doctor', '--json', '--backend', 'native'], { TACO_NATIVE_WINOGRAD: '0' }).stdout);
  assert.match(off.engines.native, /Winograd off: TACO_NATIVE_WINOGRAD=0/);
});
