/**
 * What the safe pickle reader hands back instead of live Python objects: a global is two strings and
 * an instance is a record of its class and arguments, so nothing a checkpoint names is ever imported
 * or called (contrast `Lib/pickle.py`'s `find_class`, which imports the module).
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
