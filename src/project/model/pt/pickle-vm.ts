/**
 * The pickle stack machine: one `switch` over the data-carrying opcodes that pickle.ts lists, with the
 * semantics of `Lib/pickle.py`'s `_Unpickler.load_*` methods, except that nothing is imported or
 * called (see pickle.ts for what is read, interpreted and refused).
 */

import { BUILTIN_REDUCERS } from './pickle-builtin-reducers';
import { PickleInput } from './pickle-input';
import { OPCODE_NAMES, unsupportedOpcode } from './pickle-opcodes';
import { PickleStack } from './pickle-stack';
import { PyGlobal, PyObject, describe } from './pickle-values';
import type { PyDict, PyValue, Reducer } from './pickle-values';

export interface UnpickleOptions {
  /** Names the input in errors, e.g. "yolov8n.pt: archive/data.pkl". */
  source: string;
  /** BINPERSID: what a persistent id stands for (torch: a storage record). Without it BINPERSID is an error. */
  persistentLoad?: (pid: PyValue, offset: number) => PyValue;
  /** Extra interpreted globals by exact `module.name` (a Map, so no prototype lookups). */
  reducers?: ReadonlyMap<string, Reducer>;
}

/** Reads one pickle; returns the value STOP leaves on the stack. */
export function unpickle(data: Uint8Array, opts: UnpickleOptions): PyValue {
  const inp = new PickleInput(data, opts.source);
  const { dv, n, fail, need, readLine, text, bytes, len64, longBytes } = inp;
  const st = new PickleStack(fail);
  const { metastack, memo, pop, top, popMark, push, setItems, appendItems } = st;
  const at = { get offset() { return inp.opOffset; }, fail };
  const tuple = (items: PyValue[]): PyValue[] => Object.freeze(items) as PyValue[];
  const reduce = (callable: PyValue, args: PyValue[], how: 'reduce' | 'newobj', kwargs?: PyValue): PyValue => {
    if (callable instanceof PyGlobal) {
      const r = opts.reducers?.get(callable.qualname) ?? BUILTIN_REDUCERS.get(callable.qualname);
      if (r) return r(args, at);
    }
    return new PyObject(callable, args, how, kwargs);
  };

  while (true) {
    if (inp.pos >= n) {
      inp.opName = '';
      inp.opOffset = inp.pos;
      fail('truncated: the pickle ends without STOP');
    }
    inp.opOffset = inp.pos;
    const op = data[inp.pos++];
    inp.opName = OPCODE_NAMES[op] ?? '';
    switch (op) {
      case 0x80: { // PROTO
        const v = data[need(1)];
        if (v > 5) fail(`pickle protocol ${v} is newer than 5`);
        break;
      }
      case 0x95: need(8); break; // FRAME: a hint for buffered readers; the data is already in memory
      case 0x2e: { // STOP
        if (st.stack.length !== 1 || metastack.length) fail(`the stack holds ${st.stack.length} values and ${metastack.length} marks at STOP, expected 1 and 0`);
        return st.stack[0];
      }
      case 0x28: metastack.push(st.stack); st.stack = []; break; // MARK
      case 0x30: if (st.stack.length) st.stack.pop(); else popMark(); break; // POP
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
        push(opts.persistentLoad!(pid, inp.opOffset));
        break;
      }
      default:
        fail(unsupportedOpcode(op));
    }
  }
}
