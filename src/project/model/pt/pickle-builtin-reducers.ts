/**
 * The only globals the pickle reader interprets itself: data containers that `Lib/pickle.py` would
 * build by calling the named class (OrderedDict, set, frozenset) and protocol 2's spelling of bytes
 * (`_codecs.encode(str, 'latin1')`, see `_Pickler.save_bytes`). Looked up by exact name in a Map,
 * so a pickle cannot reach anything else through them.
 */

import type { PyDict, PyValue, Reducer } from './pickle-values';

/** Interpreted by the reader: data containers only. */
export const BUILTIN_REDUCERS = new Map<string, Reducer>([
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
