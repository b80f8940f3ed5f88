import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PyGlobal, PyObject, unpickle } from '../../../src/project/model/pt/pickle';
import { PickleWriter, PV } from '../../../src/project/model/pt/synthetic';

const load = (v: PV | Buffer): unknown => unpickle(Buffer.isBuffer(v) ? v : PickleWriter.dump(v), { source: 't.pkl' });

test('pickle: protocol 2 data opcodes give plain values (dicts as Maps, tuples frozen, big ints as bigint)', () => {
  const v = load({
    $dict: [
      ['a', [1, 300, 70000, -5, 2.5, null, true, false]],
      [0, { $tuple: ['x', 'y', 'z', 'w'] }],
      ['big', { $bigint: 2n ** 70n }],
      ['neg', { $bigint: -(2n ** 40n) }],
      ['od', { $ordered: [['k', 1]] }],
      ['set', { $reduce: [{ $global: ['builtins', 'set'] }, [['p', 'q']]] }],
    ],
  }) as Map<unknown, unknown>;
  assert.deepEqual(v.get('a'), [1, 300, 70000, -5, 2.5, null, true, false]);
  const t = v.get(0) as string[];
  assert.deepEqual([...t], ['x', 'y', 'z', 'w']);
  assert.ok(Object.isFrozen(t));
  assert.equal(v.get('big'), 2n ** 70n);
  assert.equal(v.get('neg'), -(2 ** 40));
  assert.deepEqual(v.get('od'), new Map([['k', 1]]));
  assert.deepEqual(v.get('set'), new Set(['p', 'q']));
});

test('pickle: memo (BINPUT/BINGET) shares one object; protocol 4 opcodes (FRAME, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE) read', () => {
  // [d, d] where d = {} memoized once: both slots are the same Map.
  const shared = load(Buffer.from([0x80, 2, 0x5d, 0x71, 0, 0x7d, 0x71, 1, 0x61, 0x68, 1, 0x61, 0x2e])) as unknown[];
  assert.equal(shared.length, 2);
  assert.equal(shared[0], shared[1]);
  const p4 = Buffer.concat([
    Buffer.from([0x80, 4, 0x95]), Buffer.alloc(8),
    Buffer.from([0x8c, 3]), Buffer.from('mod'), Buffer.from([0x94, 0x8c, 4]), Buffer.from('name'), Buffer.from([0x94, 0x93, 0x94, 0x2e]),
  ]);
  const g = load(p4) as PyGlobal;
  assert.ok(g instanceof PyGlobal);
  assert.equal(g.qualname, 'mod.name');
});

test('pickle: a call to os.system is never executed; GLOBAL+REDUCE gives an inert record naming it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-pickle-'));
  const marker = path.join(dir, 'pwned');
  try {
    const attempts: PV[] = [
      { $reduce: [{ $global: ['os', 'system'] }, [`touch ${marker}`]] },
      { $reduce: [{ $global: ['posix', 'system'] }, [`touch ${marker}`]] },
      { $reduce: [{ $global: ['subprocess', 'Popen'] }, [['touch', marker]]] },
      { $reduce: [{ $global: ['builtins', 'eval'] }, [`__import__('os').system('touch ${marker}')`]] },
      { $reduce: [{ $global: ['builtins', 'exec'] }, [`open('${marker}', 'w')`]] },
      { $newobj: [{ $global: ['builtins', 'open'] }, [marker, 'w']], state: { $dict: [['x', 1]] } },
    ];
    for (const a of attempts) {
      const v = load(a);
      // Design: the result is an inert PyObject (class = module/name strings, args recorded); nothing is resolved or called.
      assert.ok(v instanceof PyObject);
      assert.ok((v as PyObject).cls instanceof PyGlobal);
    }
    const sys = load(attempts[0]) as PyObject;
    assert.equal(sys.className, 'os.system');
    assert.deepEqual([...sys.args], [`touch ${marker}`]);
    assert.equal(fs.existsSync(marker), false, 'the command must not have run');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('pickle: unknown and refused opcodes are errors naming the opcode and its offset', () => {
  assert.throws(() => load(Buffer.from([0x80, 2, 0x4e, 0xff, 0x2e])), /t\.pkl: pickle at offset 3: unknown opcode 0xff/);
  // INST (protocol 0 instantiation by name) is refused, never interpreted.
  assert.throws(() => load(Buffer.concat([Buffer.from([0x80, 2, 0x28, 0x69]), Buffer.from('os\nsystem\n'), Buffer.from([0x2e])])), /pickle INST at offset 3: unsupported opcode 0x69 'i': it instantiates a class by name/);
  assert.throws(() => load(Buffer.from([0x80, 2, 0x82, 1, 0x2e])), /pickle EXT1 at offset 2: unsupported opcode 0x82: it refers to the copyreg extension registry/);
  assert.throws(() => load(Buffer.from([0x80, 2, 0x49, 0x31, 0x0a, 0x2e])), /pickle INT at offset 2: unsupported opcode 0x49 'I'/);
  assert.throws(() => load(Buffer.from([0x80, 2, 0x4e])), /pickle at offset 3: truncated: the pickle ends without STOP/);
  assert.throws(() => load(Buffer.from([0x80, 2, 0x58, 10, 0, 0, 0, 0x61])), /pickle BINUNICODE at offset 2: truncated: needs 10 more bytes/);
  assert.throws(() => load(Buffer.from([0x80, 2, 0x52, 0x2e])), /pickle REDUCE at offset 2: stack underflow/);
  assert.throws(() => load(Buffer.from([0x80, 2, 0x68, 7, 0x2e])), /memo slot 7 was never written/);
  assert.throws(() => load(Buffer.from([0x80, 2, 0x51, 0x2e])), /BINPERSID.*stack underflow|no persistent loader/);
});

test('pickle: keys like __proto__ stay data (Maps, no prototype lookups)', () => {
  const v = load({ $dict: [['__proto__', { $dict: [['polluted', true]] }], ['constructor', 1]] }) as Map<string, unknown>;
  assert.ok(v.get('__proto__') instanceof Map);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('pickle: a memo-shared "billion laughs" structure stays cheap to read and to describe', async () => {
  const { toPlain } = await import('../../../src/project/model/pt/ultralytics');
  // l0 = [], l(i+1) = [l(i)] * 10 via BINGET: 30 levels would be 10^30 nodes if expanded.
  const bytes: number[] = [0x80, 2, 0x5d, 0x71, 0];
  for (let i = 1; i <= 30; i++) {
    bytes.push(0x30, 0x5d, 0x71, i, 0x28); // POP the previous level (it stays in the memo)
    for (let k = 0; k < 10; k++) bytes.push(0x68, i - 1);
    bytes.push(0x65);
  }
  bytes.push(0x2e);
  const t0 = performance.now();
  const v = load(Buffer.from(bytes));
  const plain = JSON.stringify(toPlain(v));
  assert.ok(performance.now() - t0 < 2000);
  assert.ok(plain.length < 2_000_000);
});
