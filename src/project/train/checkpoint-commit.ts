import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where a tensor file of a checkpoint waits between its write and the JSON that commits it. */
export const pendingName = (tag: string, ext: string): string => `${tag}.pending${ext}`;

/** What to put in a file: bytes, or a copy of another file. */
export type FileSource = Uint8Array | string | { copy: string };

function put(dst: string, from: FileSource): void {
  if (typeof from === 'string' || from instanceof Uint8Array) fs.writeFileSync(`${dst}.tmp`, from);
  else fs.copyFileSync(from.copy, `${dst}.tmp`);
  fs.renameSync(`${dst}.tmp`, dst);
}

/**
 * The commit sequence of a checkpoint (see checkpoint.ts): each tensor file complete under its pending
 * name, then the JSON (the commit point), then the tensor files renamed into place. Each file goes
 * through name.tmp and a rename, so none is ever seen half-written.
 */
export function commitCheckpoint(dir: string, tag: string, tensors: { ext: string; from: FileSource }[], json: FileSource): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const t of tensors) put(path.join(dir, pendingName(tag, t.ext)), t.from);
  put(path.join(dir, `${tag}.json`), json);
  for (const t of tensors) fs.renameSync(path.join(dir, pendingName(tag, t.ext)), path.join(dir, `${tag}${t.ext}`));
}
