import * as path from 'node:path';

/**
 * The link to tslab's display channel. tslab's public `display` API sends one MIME type per output,
 * but a bundle needs several (HTML plus its text/plain fallback) in one display_data message; tslab
 * keeps the function that sends those in its `jupyter` module while a kernel runs. We find that
 * module in require.cache instead of importing 'tslab', which outside a kernel would load tslab's
 * TypeScript compiler for nothing.
 */
type WriteDisplayData = (content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) => void;

const SUFFIX = path.join('tslab', 'dist', 'jupyter.js');

/** True inside a tslab kernel (its executor defines the global `__tslab__`). */
export function inKernel(): boolean {
  return (globalThis as { __tslab__?: unknown }).__tslab__ !== undefined && writer() !== null;
}

function writer(): WriteDisplayData | null {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!file.endsWith(SUFFIX) || !mod) continue;
    const w = (mod.exports as { lastWriteDisplayData?: unknown }).lastWriteDisplayData;
    if (typeof w === 'function') return w as WriteDisplayData;
  }
  return null;
}

/** display_data (update=false) or update_display_data (update=true) for the given display id. */
export function writeDisplay(data: Record<string, unknown>, metadata: Record<string, unknown>, displayId: string, update: boolean): void {
  const w = writer();
  if (!w) throw new Error('display: not inside a tslab kernel');
  w({ data, metadata, transient: { display_id: displayId } }, update);
}
