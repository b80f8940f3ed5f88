import { KernelChannels } from './kernel-channels';
import { JupyterMessage } from './wire';

/**
 * Follows one execute_request through the Jupyter messaging protocol v5: it is finished only when both its
 * execute_reply (shell) and its iopub `idle` status have arrived, since outputs may still be on iopub after
 * the reply. Records the kernel-side timestamps under the names nbclient gives them in cell metadata.
 */

export interface ExecuteReply {
  status: 'ok' | 'error' | 'abort';
  execution_count: number | null;
  /** Kernel-side timestamps (ISO strings) in nbclient's names. */
  timing: Record<string, string>;
  /** The reply did not come before the timeout; the kernel was interrupted (and may be dead). */
  timedOut: boolean;
}

export interface TrackedExecution {
  /** Resolves when reply and idle are both in, or when the kernel exits. */
  done: Promise<void>;
  timing: Record<string, string>;
  /** The execute_reply, once it has come. */
  reply: () => JupyterMessage | null;
  /** Stops listening (always call it, whatever happened). */
  stop: () => void;
}

/**
 * Listens for the replies and iopub messages of request `id`; `onIopub` sees every iopub message of it
 * (outputs, status). `onExit` registers a listener for the kernel's exit and returns its removal.
 */
export function trackExecution(
  channels: KernelChannels,
  id: string,
  onIopub: (m: JupyterMessage) => void,
  onExit: (l: () => void) => () => void,
): TrackedExecution {
  const timing: Record<string, string> = {};
  let reply: JupyterMessage | null = null;
  let idle = false;
  let settle: (() => void) | null = null;
  const done = new Promise<void>((r) => (settle = r));
  const check = (): void => {
    if (reply && idle) settle?.();
  };
  channels.iopubWaiters.set(id, (m) => {
    if (m.header.msg_type === 'status') {
      const state = (m.content as { execution_state?: string }).execution_state;
      if (state === 'busy') timing['iopub.status.busy'] = m.header.date;
      if (state === 'idle') {
        timing['iopub.status.idle'] = m.header.date;
        idle = true;
        check();
      }
    } else if (m.header.msg_type === 'execute_input') {
      timing['iopub.execute_input'] = m.header.date;
    }
    onIopub(m);
  });
  channels.replyWaiters.set(id, (m) => {
    if (m.header.msg_type !== 'execute_reply') return;
    timing['shell.execute_reply'] = m.header.date;
    reply = m;
    check();
  });
  const offExit = onExit(() => settle?.());
  return {
    done,
    timing,
    reply: () => reply,
    stop: () => {
      offExit();
      channels.iopubWaiters.delete(id);
      channels.replyWaiters.delete(id);
    },
  };
}
