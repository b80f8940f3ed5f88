import { inKernel, writeDisplay } from './kernel-bridge';

/**
 * A Jupyter MIME bundle: MIME type -> content (text, or base64 for images). Front ends pick the
 * richest type they can render, so every helper also fills `text/plain` as the readable fallback
 * (untrusted notebooks, terminals, graders reading the .ipynb).
 */
export type MimeBundle = { 'text/plain': string } & Record<string, string | object>;

export interface DisplayHandle {
  /** Replaces this display's content in place (update_display_data in a notebook). */
  update(bundle: MimeBundle): void;
}

let nextId = 0;
function newDisplayId(): string {
  return `taco-${process.pid}-${Date.now().toString(36)}-${(nextId++).toString(36)}`;
}

/**
 * Shows a bundle: as a rich display inside a tslab kernel, as its text/plain on stdout elsewhere
 * (a CLI run, a test). Returns nothing, so a cell ending in show(...) prints nothing more.
 */
export function show(bundle: MimeBundle, metadata: Record<string, unknown> = {}): void {
  showLive(bundle, metadata);
}

/** Like show(), and returns a handle whose update() rewrites the same display in place. */
export function showLive(bundle: MimeBundle, metadata: Record<string, unknown> = {}): DisplayHandle {
  if (!inKernel()) {
    process.stdout.write(bundle['text/plain'].endsWith('\n') ? bundle['text/plain'] : `${bundle['text/plain']}\n`);
    return { update: (b) => void process.stdout.write(`${b['text/plain']}\n`) };
  }
  const id = newDisplayId();
  writeDisplay(bundle, metadata, id, false);
  return { update: (b) => writeDisplay(b, metadata, id, true) };
}

/** Bundles are what cells return when the display should be composed elsewhere (the HTML report). */
export function isMimeBundle(v: unknown): v is MimeBundle {
  return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)['text/plain'] === 'string';
}
