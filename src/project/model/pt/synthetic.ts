/**
 * Synthetic checkpoints, byte by byte, for tests and `taco bench ptload` (no Python, no torch): torch's
 * own records (`torch._utils._rebuild_tensor_v2`, `_rebuild_parameter`, an nn.Module's pickled
 * `__dict__`) and `torchZip`, which lays them out as torch.save does (torch/serialization.py):
 * `<archive>/data.pkl`, `<archive>/data/<key>`, `<archive>/version`. The pickle and zip writers
 * underneath are re-exported here, so one import path serves every test.
 */

import { PickleWriter } from './pickle-writer';
import type { PV } from './pickle-writer';
import { makeZip } from './zip-writer';
import type { ZipIn } from './zip-writer';

export { PickleWriter, makeZip };
export type { PV, ZipIn };

export const STORAGE: Record<string, string> = {
  float16: 'HalfStorage', bfloat16: 'BFloat16Storage', float32: 'FloatStorage', float64: 'DoubleStorage', int64: 'LongStorage', int32: 'IntStorage',
};

/** A `_rebuild_tensor_v2` call on storage `key` (the storage's element type names the class). */
export function tensor(key: string, storage: keyof typeof STORAGE | string, numel: number, size: number[], stride?: number[], offset = 0): PV {
  const st = stride ?? size.map((_, i) => size.slice(i + 1).reduce((a, b) => a * b, 1));
  const cls = STORAGE[storage] ?? storage;
  return {
    $reduce: [
      { $global: ['torch._utils', '_rebuild_tensor_v2'] },
      [{ $persid: { $tuple: ['storage', { $global: ['torch', cls] }, key, 'cpu', numel] } }, offset, { $tuple: size }, { $tuple: st }, false, { $ordered: [] }],
    ],
  };
}

export const parameter = (t: PV): PV => ({ $reduce: [{ $global: ['torch._utils', '_rebuild_parameter'] }, [t, true, { $ordered: [] }]] });

/** An nn.Module as torch pickles it: NEWOBJ of its class, BUILD with its __dict__. */
export function module(cls: [string, string], parts: { params?: [string, PV][]; buffers?: [string, PV][]; modules?: [string, PV][]; extra?: [PV, PV][] }): PV {
  return {
    $newobj: [{ $global: cls }, []],
    state: {
      $dict: [
        ['training', false],
        ['_parameters', { $ordered: parts.params ?? [] }],
        ['_buffers', { $ordered: parts.buffers ?? [] }],
        ['_non_persistent_buffers_set', { $reduce: [{ $global: ['builtins', 'set'] }, [[]]] }],
        ['_modules', { $ordered: parts.modules ?? [] }],
        ...(parts.extra ?? []),
      ],
    },
  };
}

/** A torch.save-style checkpoint: the pickle plus one record per storage key. */
export function torchZip(root: PV, storages: Record<string, Uint8Array>, opts: { zip64?: boolean; archive?: string; pkl?: Buffer; omit?: string[] } = {}): Buffer {
  const a = opts.archive ?? 'archive';
  const entries: ZipIn[] = [{ name: `${a}/data.pkl`, data: opts.pkl ?? PickleWriter.dump(root) }, { name: `${a}/byteorder`, data: Buffer.from('little') }];
  for (const [k, d] of Object.entries(storages)) if (!opts.omit?.includes(k)) entries.push({ name: `${a}/data/${k}`, data: d });
  entries.push({ name: `${a}/version`, data: Buffer.from('3\n') });
  return makeZip(entries, { zip64: opts.zip64 });
}

export const f32Bytes = (v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);
export const f64Bytes = (v: number[]): Uint8Array => new Uint8Array(Float64Array.from(v).buffer);
export const i64Bytes = (v: bigint[]): Uint8Array => new Uint8Array(BigInt64Array.from(v).buffer);
export const u16Bytes = (v: number[]): Uint8Array => new Uint8Array(Uint16Array.from(v).buffer);
