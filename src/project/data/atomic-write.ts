import * as fs from 'node:fs';
import * as path from 'node:path';

/** Write `file.tmp`, then rename: a reader never sees a half-written file under the final name. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

export async function writeFileAtomicAsync(file: string, data: string | Uint8Array): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  await fs.promises.writeFile(tmp, data);
  await fs.promises.rename(tmp, file);
}

export function writeJsonAtomic(file: string, value: unknown, indent = 0): void {
  writeFileAtomic(file, JSON.stringify(value, null, indent || undefined) + '\n');
}
