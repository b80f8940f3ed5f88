/**
 * Emscripten's Node glue adds process-wide uncaughtException/unhandledRejection listeners that rethrow
 * (turning every later uncaught error into exit code 7), and tfjs never removes them. Only listeners added
 * while the module starts, and written like emscripten's, are removed: others may register meanwhile.
 */
export async function withoutAddedProcessListeners<T>(start: () => Promise<T>): Promise<T> {
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  const listeners = (ev: (typeof events)[number]) => process.listeners(ev as 'uncaughtException') as ((...a: unknown[]) => void)[];
  const before = new Set(events.flatMap(listeners));
  try {
    return await start();
  } finally {
    for (const ev of events) {
      for (const l of listeners(ev)) {
        if (!before.has(l) && isEmscriptenRethrow(l)) process.removeListener(ev, l);
      }
    }
  }
}

function isEmscriptenRethrow(listener: unknown): boolean {
  const src = String(listener);
  return /instanceof ExitStatus\)\)\s*\{?\s*throw\b/.test(src) || /^function\s*\((\w+)\)\s*\{\s*throw\s+\1;?\s*\}$/.test(src);
}
