/**
 * Things to undo when the process ends, however it ends: a normal exit, process.exit(), or a signal that
 * the CLI turns into a clean-up first (src/cli/signals.ts). Each clean-up must be synchronous and quick
 * (removing a lock file); it runs at most once.
 */
const cleanups = new Set<() => void>();
let hooked = false;

export function runExitCleanups(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // a clean-up that fails must not stop the others
    }
  }
}

/** Registers `fn`; the returned function runs it now (once) and unregisters it. */
export function onExitCleanup(fn: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.on('exit', runExitCleanups);
  }
  cleanups.add(fn);
  return () => {
    if (!cleanups.delete(fn)) return;
    fn();
  };
}
