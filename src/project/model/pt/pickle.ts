/**
 * A pickle reader that cannot run code: a stack machine for the opcodes of protocols 2 to 4 that
 * carry data (Python's `pickletools` documents every opcode; `Lib/pickle.py`'s `_Unpickler` is the
 * reference semantics). It never imports or calls anything a pickle names:
 *
 * - GLOBAL / STACK_GLOBAL push an inert `PyGlobal` (module + name, two strings).
 * - REDUCE / NEWOBJ / NEWOBJ_EX on a global push an inert `PyObject` that records the class and
 *   arguments; BUILD stores the state on it; SETITEM(S) / APPEND(S) on it record items.
 * - A few globals are *interpreted* by the reader's own code (pickle-builtin-reducers.ts), looked
 *   up by exact name in a fixed table: `collections.OrderedDict` (a Map), `builtins.set` /
 *   `frozenset` (a Set) and `_codecs.encode(str, 'latin1')` (bytes, as protocol 2 pickles `bytes`).
 *   A caller may add its own fixed table (`reducers`) — torch's tensor rebuild functions, for instance.
 * - Every opcode outside this subset (INST, OBJ, EXT*, the protocol 0 text opcodes, out-of-band
 *   buffers, unknown bytes) is an error naming the opcode and its byte offset.
 *
 * The parts live beside this file by idea (values, opcode table, interpreted globals, byte input,
 * stack, machine); this module stays the one import path for callers.
 */

export { PyGlobal, PyObject, describe } from './pickle-values';
export type { PyDict, PyValue, Reducer } from './pickle-values';
export { unpickle } from './pickle-vm';
export type { UnpickleOptions } from './pickle-vm';
