import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CellOutputs, DisplayRegistry } from '../../src/notebook/runner/outputs';
import { decode, encode, makeMessage, JupyterMessage } from '../../src/notebook/runner/wire';
import { newNotebook, splitLines, validateNotebook } from '../../src/notebook/runner/nbformat';

function msg(type: string, content: Record<string, unknown>): JupyterMessage {
  return { ...makeMessage('s', type, content), buffers: [] } as JupyterMessage;
}

test('wire: encode/decode round trip with HMAC; a tampered or wrongly keyed message is rejected', () => {
  const m = makeMessage('sess', 'execute_request', { code: '1+1' });
  const frames = encode('k3y', m).map((f) => Buffer.from(f));
  const back = decode('k3y', [Buffer.from('routing-id'), ...frames]);
  assert.deepEqual(back.header, m.header);
  assert.deepEqual(back.content, { code: '1+1' });
  assert.throws(() => decode('other', frames), /HMAC/);
  const tampered = frames.slice();
  tampered[5] = Buffer.from(JSON.stringify({ code: 'evil()' }));
  assert.throws(() => decode('k3y', tampered), /HMAC/);
  assert.throws(() => decode('k3y', frames.slice(1)), /delimiter/);
});

test('outputs: streams merge by name, update_display_data rewrites earlier cells, clear_output(wait) defers', () => {
  const reg = new DisplayRegistry();
  const a = new CellOutputs(reg);
  a.add(msg('stream', { name: 'stdout', text: 'a\n' }));
  a.add(msg('stream', { name: 'stdout', text: 'b' }));
  a.add(msg('stream', { name: 'stderr', text: 'e\n' }));
  a.add(msg('stream', { name: 'stdout', text: 'c\n' }));
  a.add(msg('display_data', { data: { 'text/plain': 'v1' }, metadata: {}, transient: { display_id: 'd1' } }));
  const saved = a.finish();
  assert.deepEqual(saved.slice(0, 3), [
    { output_type: 'stream', name: 'stdout', text: ['a\n', 'b'] },
    { output_type: 'stream', name: 'stderr', text: ['e\n'] },
    { output_type: 'stream', name: 'stdout', text: ['c\n'] },
  ]);
  assert.equal(a.stderr(), 'e\n');
  const b = new CellOutputs(reg);
  assert.equal(b.add(msg('update_display_data', { data: { 'text/plain': 'v2' }, metadata: {}, transient: { display_id: 'd1' } })), true);
  assert.deepEqual((saved[3] as { data: unknown }).data, { 'text/plain': 'v2' });
  assert.equal(b.add(msg('update_display_data', { data: {}, metadata: {}, transient: { display_id: 'unknown' } })), false);
  b.add(msg('stream', { name: 'stdout', text: 'x' }));
  b.add(msg('clear_output', { wait: true }));
  assert.equal(b.outputs.length, 1);
  b.add(msg('stream', { name: 'stdout', text: 'y' }));
  assert.deepEqual(b.finish(), [{ output_type: 'stream', name: 'stdout', text: ['y'] }]);
  // Saved outputs carry no transient display ids (nbformat forbids extra keys).
  assert.deepEqual(validateNotebook({ ...newNotebook([{ type: 'code', source: '' }]), cells: [{ id: 'x', cell_type: 'code', metadata: {}, source: '', outputs: saved, execution_count: 1 }] }), []);
});

test('nbformat: the validator names what is wrong', () => {
  assert.deepEqual(validateNotebook(newNotebook([{ type: 'code', source: 'a\nb' }, { type: 'markdown', source: '# t' }])), []);
  assert.deepEqual(splitLines('a\nb\n'), ['a\n', 'b\n']);
  assert.deepEqual(splitLines('a\n\nb'), ['a\n', '\n', 'b']);
  const bad = validateNotebook({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { id: 'a', cell_type: 'code', metadata: {}, source: '', outputs: [{ output_type: 'stream', name: 'stdweird', text: 1 }], execution_count: 'x' },
      { id: 'a', cell_type: 'markdown', metadata: {}, source: '' },
      { cell_type: 'raw', metadata: {}, source: '', extra: 1 },
    ],
  });
  assert.ok(bad.some((b) => b.includes('execution_count')));
  assert.ok(bad.some((b) => b.includes('.name: stdweird')));
  assert.ok(bad.some((b) => b.includes('.text')));
  assert.ok(bad.some((b) => b.includes('duplicate "a"')));
  assert.ok(bad.some((b) => b.includes('cells[2].id')));
  assert.ok(bad.some((b) => b.includes('unexpected key "extra"')));
  assert.deepEqual(validateNotebook({ nbformat: 3, nbformat_minor: 0, metadata: {}, cells: [] }), ['nbformat: 3, want 4']);
});
