/**
 * Where fetched checkpoints live and what is already there: the XDG base directory convention for
 * the cache folder, and the size and sha256 of a file on disk (read in 1 MiB chunks, since
 * yolov8x.pt is 137 MB).
 */

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** TACO_WEIGHTS_DIR, else $XDG_CACHE_HOME/taco-companion/weights, else ~/.cache/taco-companion/weights. */
export function weightsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TACO_WEIGHTS_DIR) return path.resolve(env.TACO_WEIGHTS_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(base, 'taco-companion', 'weights');
}

export async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** 0 for a file that is not there, so a missing `.part` reads as "nothing to resume". */
export const sizeOf = (file: string): number => {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
};
