/**
 * The pickle machine's state, as `Lib/pickle.py`'s `_Unpickler` keeps it: the stack, the metastack
 * of frames saved by MARK (`pop_mark`), and the memo. Container updates go only to the inert values
 * of pickle-values.ts or to plain Maps and lists, never to anything with behaviour.
 */

import { PyObject, describe } from './pickle-values';
import type { PyValue } from './pickle-values';

export class PickleStack {
  stack: PyValue[] = [];
  readonly metastack: PyValue[][] = [];
  readonly memo = new Map<number, PyValue>();

  constructor(private readonly fail: (msg: string) => never) {}

  readonly pop = (): PyValue => {
    if (this.stack.length === 0) this.fail('stack underflow');
    return this.stack.pop();
  };

  readonly top = (): PyValue => {
    if (this.stack.length === 0) this.fail('stack underflow');
    return this.stack[this.stack.length - 1];
  };

  /** The items pushed since the last MARK, which is dropped (Python's pop_mark). */
  readonly popMark = (): PyValue[] => {
    if (this.metastack.length === 0) this.fail('no MARK on the stack');
    const items = this.stack;
    this.stack = this.metastack.pop()!;
    return items;
  };

  // `stack` is re-bound by popMark, so pushes must read it after their argument is evaluated.
  readonly push = (v: PyValue): void => {
    this.stack.push(v);
  };

  readonly setItems = (target: PyValue, items: PyValue[]): void => {
    if (items.length % 2) this.fail('odd number of items for a dict');
    if (target instanceof Map) for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
    else if (target instanceof PyObject) for (let i = 0; i < items.length; i += 2) target.dictItems.push([items[i], items[i + 1]]);
    else this.fail(`cannot set items on ${describe(target)}`);
  };

  readonly appendItems = (target: PyValue, items: PyValue[]): void => {
    if (Array.isArray(target) && !Object.isFrozen(target)) target.push(...items);
    else if (target instanceof PyObject) target.listItems.push(...items);
    else this.fail(`cannot append to ${describe(target)}`);
  };
}
