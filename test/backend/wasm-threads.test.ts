import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_WASM_THREADS, parseWasmThreads } from '../../src/project/backend/wasm/thread-plan';
import { setWasmThreads, wasmThreadInfo } from '../../src/project/backend/wasm/threads';

const ROOT = path.resolve(__dirname, '..', '..');

test('TACO_WASM_THREADS: auto is one thread per core, 0 and 1 are single-threaded, N is N (capped), junk is an error', () => {
  assert.equal(parseWasmThreads(undefined, 2).threads, 2);
  assert.equal(parseWasmThreads('auto', 4).threads, 4);
  assert.equal(parseWasmThreads('', 1).threads, 1);
  assert.match(parseWasmThreads('', 1).reason, /only 1 core/);
  assert.equal(parseWasmThreads(undefined, 64).threads, MAX_WASM_THREADS);
  assert.equal(parseWasmThreads('0', 8).threads, 1);
  assert.equal(parseWasmThreads('1', 8).threads, 1);
  assert.match(parseWasmThreads('0', 8).reason, /TACO_WASM_THREADS=0/);
  assert.equal(parseWasmThreads(' 3 ', 2).threads, 3); // more threads than cores is allowed when asked for
  assert.equal(parseWasmThreads('99', 2).threads, MAX_WASM_THREADS);
  assert.match(parseWasmThreads('99', 2).reason, /capped/);
  assert.throws(() => parseWasmThreads('two', 2), /TACO_WASM_THREADS="two" is not a thread count/);
  assert.throws(() => parseWasmThreads('-2', 2), /not a thread count/);
});

test('setWasmThreads chooses before wasm starts, names itself in the reason, and rejects junk', () => {
  assert.throws(() => setWasmThreads('many'), /setWasmThreads="many" is not a thread count/);
  assert.deepEqual(setWasmThreads(0), { threads: 1, simd: true, reason: 'single-threaded: setWasmThreads=0 (wasm not started yet)' });
  assert.deepEqual(setWasmThreads(3), { threads: 3, simd: true, reason: 'setWasmThreads=3 (wasm not started yet)' });
  assert.deepEqual(wasmThreadInfo(), setWasmThreads(3));
});

/**
 * A separate process per setting (the wasm module is chosen once per process). It starts wasm, computes a
 * strided conv and both its gradients on fixed data, and prints them with wasmThreadInfo and how many
 * process-wide error listeners starting wasm left behind. It never exits explicitly: it must end on its own.
 */
const SCRIPT = `
  const tf = require('@tensorflow/tfjs-core');
  const { initBackend } = require('./src/project/backend/init.ts');
  const threads = require('./src/project/backend/wasm/threads.ts');
  const listeners = () => process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length;
  const before = listeners();
  if (process.env.T_START_TIMEOUT_MS) threads.setWasmThreads(undefined, { startTimeoutMs: Number(process.env.T_START_TIMEOUT_MS) });
  initBackend({ backend: 'wasm' }).then(() => {
    const fill = (n, k) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k) * 0.5);
    const x = tf.tensor4d(fill(2 * 17 * 17 * 8, 0.37), [2, 17, 17, 8]);   // [B, H, W, Cin]
    const w = tf.tensor4d(fill(3 * 3 * 8 * 16, 0.91), [3, 3, 8, 16]);     // [kh, kw, Cin, Cout]
    const loss = (a, b) => tf.conv2d(a, b, 2, 'same').square().sum();
    const [dx, dw] = tf.grads(loss)([x, w]);
    const y = tf.conv2d(x, w, 1, 'valid');
    console.log(JSON.stringify({
      backend: tf.getBackend(), info: threads.wasmThreadInfo(), listenersAdded: listeners() - before,
      y: Array.from(y.dataSync()), dx: Array.from(dx.dataSync()), dw: Array.from(dw.dataSync()),
    }));
  });`;

interface Run {
  backend: string;
  info: { threads: number; simd: boolean; reason: string };
  listenersAdded: number;
  y: number[];
  dx: number[];
  dw: number[];
}

function runWith(env: Record<string, string>): { run?: Run; status: number | null; signal: string | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', SCRIPT], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TACO_BACKEND: '', ...env },
    timeout: 50_000, // a process kept alive by its workers ends here, with a signal
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { run: line.startsWith('{') ? (JSON.parse(line) as Run) : undefined, status: r.status, signal: r.signal, stderr: r.stderr };
}

function assertClose(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, what);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  assert.ok(worst <= 1e-5, `${what}: worst relative difference ${worst}`);
}

test('2 threads: starts, matches the single-threaded build, prints nothing, leaves no listeners, exits on its own', () => {
  const one = runWith({ TACO_WASM_THREADS: '0' });
  const two = runWith({ TACO_WASM_THREADS: '2' });
  for (const [name, r] of [['0', one], ['2', two]] as const) {
    assert.equal(r.signal, null, `TACO_WASM_THREADS=${name}: the process did not exit on its own`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', `TACO_WASM_THREADS=${name} wrote to stderr`);
    assert.ok(r.run, 'no result line');
    assert.equal(r.run.backend, 'wasm');
    assert.equal(r.run.listenersAdded, 0, `TACO_WASM_THREADS=${name}: emscripten process listeners left installed`);
  }
  assert.deepEqual(one.run!.info, { threads: 1, simd: true, reason: 'single-threaded: TACO_WASM_THREADS=0' });
  assert.deepEqual(two.run!.info, { threads: 2, simd: true, reason: 'TACO_WASM_THREADS=2' });
  assertClose(two.run!.y, one.run!.y, 'conv forward');
  assertClose(two.run!.dx, one.run!.dx, 'input gradient');
  assertClose(two.run!.dw, one.run!.dw, 'weight gradient');
});

test('by default, wasm uses one thread per core', (t) => {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  if (cores < 2) return t.skip('one core: the default is single-threaded');
  const r = runWith({ TACO_WASM_THREADS: '' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.run!.info.threads, Math.min(cores, MAX_WASM_THREADS));
  assert.match(r.run!.info.reason, /one thread per core/);
});

test('a threaded build that does not start in time falls back to single-threaded, says why, and still exits', () => {
  const r = runWith({ TACO_WASM_THREADS: '2', T_START_TIMEOUT_MS: '1' });
  assert.equal(r.signal, null, 'the process did not exit on its own');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.run!.backend, 'wasm');
  assert.equal(r.run!.info.threads, 1);
  assert.match(r.run!.info.reason, /single-threaded: the threaded build failed to start \(the pthread workers did not start within 0.001 s\)/);
  assert.equal(r.run!.listenersAdded, 0);
});

test('a bad TACO_WASM_THREADS is an error that names it', () => {
  const r = runWith({ TACO_WASM_THREADS: 'lots' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /TACO_WASM_THREADS="lots" is not a thread count/);
});
