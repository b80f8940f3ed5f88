/**
 * A pickle reader that cannot run code: a stack machine for the opcodes of protocols 2 to 4 that
 * carry data (Python's `pickletools` documents every opcode; `Lib/pickle.py`'s `_Unpickler` is the
 * reference semantics). It never imports or calls anything a pickle names:
 *
 * - GLOBAL / STACK_GLOBAL push an inert `PyGlobal` (module + name, two strings).
 * - REDUCE / NEWOBJ / NEWOBJ_EX on a global push an inert `PyObject` that records the class and
 *   arguments; BUILD stores the state on it; SETITEM(S) / APPEND(S) on it record items.
 * - A few globals are *interpreted* by this file's own code, looked up by exact name in a fixed
 *   table: `collections.OrderedDict` (a Map), `builtins.set` / `frozenset` (a Set) and
 *   `_codecs.encode(str, 'latin1')` (bytes, as protocol 2 pickles `bytes`). A caller may add its own
 *   fixed table (`reducers`) — torch's tensor rebuild functions, for instance.
 * - Every opcode outside this subset (INST, OBJ, EXT*, the protocol 0 text opcodes, out-of-band
 *   buffers, unknown bytes) is an error naming the opcode and its byte offset.
 */

/** A `module.name` reference from GLOBAL / STACK_GLOBAL: only two strings, never resolved. */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualname(): string {
    return `${this.module}.${this.name}`;
  }
}

/** What REDUCE / NEWOBJ built from a global we do not interpret: a record, never a live object. */
export class PyObject {
  /** BUILD's argument (usually the instance `__dict__` as a PyDict). */
  state: PyValue = undefined;
  /** SETITEM(S) on the object (dict subclasses). */
  dictItems: [PyValue, PyValue][] = [];
  /** APPEND(S) on the object (list subclasses). */
  listItems: PyValue[] = [];
  constructor(
    readonly cls: PyValue,
    readonly args: PyValue[],
    readonly how: 'reduce' | 'newobj',
    readonly kwargs?: PyValue,
  ) {}
  get className(): string {
    return this.cls instanceof PyGlobal ? this.cls.qualname : '<computed class>';
  }
}

export type PyDict = Map<PyValue, PyValue>;

/**
 * Pickled values. Tuples are frozen arrays, lists plain arrays; ints are numbers unless they exceed
 * 2^53 (then bigint); `bytes` are Uint8Array. `unknown` covers what a caller's reducers return.
 */
export type PyValue = unknown;

export type Reducer = (args: PyValue[], at: { offset: number; fail: (msg: string) => never }) => PyValue;

export interface UnpickleOptions {
  /** Names the input in errors, e.g. "yolov8n.pt: archive/data.pkl". */
  source: string;
  /** BINPERSID: what a persistent id stands for (torch: a storage record). Without it BINPERSID is an error. */
  persistentLoad?: (pid: PyValue, offset: number) => PyValue;
  /** Extra interpreted globals by exact `module.name` (a Map, so no prototype lookups). */
  reducers?: ReadonlyMap<string, Reducer>;
}

/** Opcode names (pickletools), so an unsupported opcode is reported by name. */
const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT', 0x4a: 'BININT',
  0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID', 0x51: 'BINPERSID', 0x52: 'REDUCE',
  0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING', 0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND',
  0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT', 0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET',
  0x69: 'INST', 0x6a: 'LONG_BINGET', 0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT',
  0x72: 'LONG_BINPUT', 0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT',
  0x80: 'PROTO', 0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1', 0x86: 'TUPLE2',
  0x87: 'TUPLE3', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4', 0x42: 'BINBYTES',
  0x43: 'SHORT_BINBYTES', 0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME',
  0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

/** Why the opcodes we know but refuse are refused. */
const REFUSED: Record<string, string> = {
  INST: 'it instantiates a class by name (protocol 0)',
  OBJ: 'it instantiates a class (protocol 1)',
  EXT1: 'it refers to the copyreg extension registry',
  EXT2: 'it refers to the copyreg extension registry',
  EXT4: 'it refers to the copyreg extension registry',
  NEXT_BUFFER: 'out-of-band buffers are not part of a checkpoint',
  READONLY_BUFFER: 'out-of-band buffers are not part of a checkpoint',
};

const MARK = Symbol('mark');

/** Interpreted by this file: data containers only. */
const BUILTIN_REDUCERS = new Map<string, Reducer>([
  ['collections.OrderedDict', (args, at) => {
    const m: PyDict = new Map();
    if (args.length > 0 && args[0] !== null) {
      if (!Array.isArray(args[0])) at.fail('OrderedDict expects a list of pairs');
      for (const kv of args[0] as PyValue[]) {
        if (!Array.isArray(kv) || kv.length !== 2) return at.fail('OrderedDict expects (key, value) pairs');
        m.set(kv[0], kv[1]);
      }
    }
    return m;
  }],
  ...['builtins.set', '__builtin__.set', 'builtins.frozenset', '__builtin__.frozenset'].map((n): [string, Reducer] => [n, (args, at) => {
    if (args.length === 0) return new Set();
    if (!Array.isArray(args[0])) at.fail(`${n} expects a list`);
    return new Set(args[0] as PyValue[]);
  }]),
  ['_codecs.encode', (args, at) => {
    // Protocol 2's pickling of bytes: _codecs.encode(text, 'latin1'), one char per byte.
    if (typeof args[0] !== 'string' || (args[1] !== 'latin1' && args[1] !== 'latin-1')) at.fail("_codecs.encode is only read as (str, 'latin1')");
    return Uint8Array.from(Buffer.from(args[0] as string, 'latin1'));
  }],
]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads one pickle; returns the value STOP leaves on the stack. */
export function unpickle(data: Uint8Array, opts: UnpickleOptions): PyValue {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = data.byteLength;
  let pos = 0;
  let opOffset = 0;
  let opName = '';
  let stack: PyValue[] = [];
  const metastack: PyValue[][] = [];
  const memo = new Map<number, PyValue>();

  const fail = (msg: string): never => {
    throw new Error(`${opts.source}: pickle ${opName ? `${opName} ` : ''}at offset ${opOffset}: ${msg}`);
  };
  const at = { get offset() { return opOffset; }, fail };
  const need = (k: number): number => {
    if (pos + k > n) fail(`truncated: needs ${k} more bytes, the pickle ends at ${n}`);
    const p = pos;
    pos += k;
    return p;
  };
  const pop = (): PyValue => {
    if (stack.length === 0) fail('stack underflow');
    return stack.pop();
  };
  const top = (): PyValue => {
    if (stack.length === 0) fail('stack underflow');
    return stack[stack.length - 1];
  };
  /** The items pushed since the last MARK, which is dropped (Python's pop_mark). */
  const popMark = (): PyValue[] => {
    if (metastack.length === 0) fail('no MARK on the stack');
    const items = stack;
    stack = metastack.pop()!;
    return items;
  };
  const readLine = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) fail('truncated: a text argument has no newline');
    const s = Buffer.from(data.buffer, data.byteOffset + pos, end - pos).toString('utf8');
    pos = end + 1;
    return s;
  };
  const text = (len: number): string => {
    const p = need(len);
    try {
      return utf8.decode(data.subarray(p, p + len));
    } catch {
      return fail('a string is not valid UTF-8');
    }
  };
  const bytes = (len: number): Uint8Array => {
    const p = need(len);
    return data.slice(p, p + len);
  };
  const len64 = (): number => {
    const p = need(8);
    const v = dv.getBigUint64(p, true);
    if (v > BigInt(n)) fail(`length ${v} exceeds the pickle's ${n} bytes`);
    return Number(v);
  };
  /** Little-endian two's complement integer of `len` bytes (LONG1 / LONG4). */
  const longBytes = (len: number): number | bigint => {
    const p = need(len);
    if (len === 0) return 0;
    let v = 0n;
    for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[p + i]);
    if (data[p + len - 1] & 0x80) v -= 1n << BigInt(8 * len);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  // `stack` is re-bound by popMark, so pushes must read it after their argument is evaluated.
  const push = (v: PyValue): void => {
    stack.push(v);
  };
  const tuple = (items: PyValue[]): PyValue[] => Object.freeze(items) as PyValue[];
  const reduce = (callable: PyValue, args: PyValue[], how: 'reduce' | 'newobj', kwargs?: PyValue): PyValue => {
    if (callable instanceof PyGlobal) {
      const r = opts.reducers?.get(callable.qualname) ?? BUILTIN_REDUCERS.get(callable.qualname);
      if (r) return r(args, at);
    }
    return new PyObject(callable, args, how, kwargs);
  };
  const setItems = (target: PyValue, items: PyValue[]): void => {
    if (items.length % 2) fail('odd number of items for a dict');
    if (target instanceof Map) for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
    else if (target instanceof PyObject) for (let i = 0; i < items.length; i += 2) target.dictItems.push([items[i], items[i + 1]]);
    else fail(`cannot set items on ${describe(target)}`);
  };
  const appendItems = (target: PyValue, items: PyValue[]): void => {
    if (Array.isArray(target) && !Object.isFrozen(target)) target.push(...items);
    else if (target instanceof PyObject) target.listItems.push(...items);
    else fail(`cannot append to ${describe(target)}`);
  };

  while (true) {
    if (pos >= n) {
      opName = '';
      opOffset = pos;
      fail('truncated: the pickle ends without STOP');
    }
    opOffset = pos;
    const op = data[pos++];
    opName = OPCODE_NAMES[op] ?? '';
    switch (op) {
      case 0x80: { // PROTO
        const v = data[need(1)];
        if (v > 5) fail(`pickle protocol ${v} is newer than 5`);
        break;
      }
      case 0x95: need(8); break; // FRAME: a hint for buffered readers; the data is already in memory
      case 0x2e: { // STOP
        if (stack.length !== 1 || metastack.length) fail(`the stack holds ${stack.length} values and ${metastack.length} marks at STOP, expected 1 and 0`);
        return stack[0];
      }
      case 0x28: metastack.push(stack); stack = []; break; // MARK
      case 0x30: if (stack.length) stack.pop(); else popMark(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: push(top()); break; // DUP
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4a: push(dv.getInt32(need(4), true)); break; // BININT
      case 0x4b: push(data[need(1)]); break; // BININT1
      case 0x4d: push(dv.getUint16(need(2), true)); break; // BININT2
      case 0x8a: push(longBytes(data[need(1)])); break; // LONG1
      case 0x8b: { // LONG4
        const len = dv.getInt32(need(4), true);
        if (len < 0 || len > n) fail(`bad length ${len}`);
        push(longBytes(len));
        break;
      }
      case 0x47: push(dv.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x58: push(text(dv.getUint32(need(4), true))); break; // BINUNICODE
      case 0x8c: push(text(data[need(1)])); break; // SHORT_BINUNICODE
      case 0x8d: push(text(len64())); break; // BINUNICODE8
      case 0x42: push(bytes(dv.getUint32(need(4), true))); break; // BINBYTES
      case 0x43: push(bytes(data[need(1)])); break; // SHORT_BINBYTES
      case 0x8e: push(bytes(len64())); break; // BINBYTES8
      case 0x96: push(bytes(len64())); break; // BYTEARRAY8 (a copy, as bytes)
      case 0x54: { // BINSTRING: Python 2 str, read as latin-1 text
        const len = dv.getInt32(need(4), true);
        if (len < 0) fail(`bad length ${len}`);
        push(Buffer.from(bytes(len)).toString('latin1'));
        break;
      }
      case 0x55: push(Buffer.from(bytes(data[need(1)])).toString('latin1')); break; // SHORT_BINSTRING
      case 0x29: push(tuple([])); break; // EMPTY_TUPLE
      case 0x85: push(tuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); push(tuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); push(tuple([a, b, c])); break; } // TUPLE3
      case 0x74: push(tuple(popMark())); break; // TUPLE
      case 0x5d: push([]); break; // EMPTY_LIST
      case 0x6c: push(popMark()); break; // LIST
      case 0x61: { const v = pop(); appendItems(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); appendItems(top(), items); break; } // APPENDS
      case 0x7d: push(new Map()); break; // EMPTY_DICT
      case 0x64: { const m: PyDict = new Map(); setItems(m, popMark()); push(m); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x8f: push(new Set()); break; // EMPTY_SET
      case 0x90: { // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) fail(`cannot add items to ${describe(s)}`);
        for (const x of items) (s as Set<PyValue>).add(x);
        break;
      }
      case 0x91: push(new Set(popMark())); break; // FROZENSET
      case 0x71: memo.set(data[need(1)], top()); break; // BINPUT
      case 0x72: memo.set(dv.getUint32(need(4), true), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const i = op === 0x68 ? data[need(1)] : dv.getUint32(need(4), true);
        if (!memo.has(i)) fail(`memo slot ${i} was never written`);
        push(memo.get(i));
        break;
      }
      case 0x63: { // GLOBAL: "module\nname\n"; only the two strings are kept
        const module = readLine();
        const name = readLine();
        push(new PyGlobal(module, name));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        push(new PyGlobal(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const callable = pop();
        if (!Array.isArray(args)) fail(`REDUCE arguments must be a tuple, got ${describe(args)}`);
        push(reduce(callable, args as PyValue[], 'reduce'));
        break;
      }
      case 0x81: { // NEWOBJ: cls.__new__(cls, *args), recorded
        const args = pop();
        const cls = pop();
        if (!Array.isArray(args)) fail(`NEWOBJ arguments must be a tuple, got ${describe(args)}`);
        push(reduce(cls, args as PyValue[], 'newobj'));
        break;
      }
      case 0x92: { // NEWOBJ_EX
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!Array.isArray(args)) fail(`NEWOBJ_EX arguments must be a tuple, got ${describe(args)}`);
        push(reduce(cls, args as PyValue[], 'newobj', kwargs));
        break;
      }
      case 0x62: { // BUILD: setstate / __dict__.update, recorded on the inert object
        const state = pop();
        const obj = top();
        if (obj instanceof PyObject) {
          if (obj.state instanceof Map && state instanceof Map) for (const [k, v] of state) obj.state.set(k, v);
          else obj.state = state;
        } else if (obj instanceof Map && state instanceof Map) {
          for (const [k, v] of state) obj.set(k, v);
        } else if (obj instanceof Map && state === null) {
          // OrderedDict reduces with state None
        } else {
          fail(`cannot BUILD ${describe(obj)}`);
        }
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!opts.persistentLoad) fail('a persistent id, but no persistent loader');
        push(opts.persistentLoad!(pid, opOffset));
        break;
      }
      default: {
        const name = OPCODE_NAMES[op];
        const shown = `0x${op.toString(16).padStart(2, '0')}${op >= 0x20 && op < 0x7f ? ` '${String.fromCharCode(op)}'` : ''}`;
        if (!name) fail(`unknown opcode ${shown}`);
        fail(`unsupported opcode ${shown}: ${REFUSED[name] ?? 'not part of what torch.save writes (protocol 0/1 text opcodes are not read)'}`);
      }
    }
  }
}

/** A short description of a value for error messages. */
export function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (v === undefined) return 'nothing';
  if (v instanceof PyGlobal) return `global ${v.qualname}`;
  if (v instanceof PyObject) return `a ${v.className} object`;
  if (v instanceof Map) return 'a dict';
  if (v instanceof Set) return 'a set';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return Object.isFrozen(v) ? 'a tuple' : 'a list';
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'value'}`;
  return `a ${typeof v}`;
}
