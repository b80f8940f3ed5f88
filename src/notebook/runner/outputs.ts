import type { DisplayDataOutput, ExecuteResultOutput, MimeBundle, Output } from './nbformat';
import { splitLines } from './nbformat';
import type { JupyterMessage } from './wire';

/**
 * Turns one cell's iopub messages into nbformat outputs, the way Jupyter front ends keep them:
 * consecutive streams of the same name merge, `update_display_data` rewrites every earlier output
 * (in any cell) that was shown with the same display_id, and `clear_output` empties the cell.
 * Stream text is kept as one string while collecting and split into lines by `finish()`.
 */
export class DisplayRegistry {
  private readonly byId = new Map<string, (DisplayDataOutput | ExecuteResultOutput)[]>();

  remember(id: string, out: DisplayDataOutput | ExecuteResultOutput): void {
    const list = this.byId.get(id);
    if (list) list.push(out);
    else this.byId.set(id, [out]);
  }

  /** Returns how many outputs were updated (0 when the id was never displayed). */
  update(id: string, data: MimeBundle, metadata: Record<string, unknown>): number {
    const list = this.byId.get(id) ?? [];
    for (const o of list) {
      o.data = data;
      o.metadata = metadata;
    }
    return list.length;
  }
}

export class CellOutputs {
  readonly outputs: Output[] = [];
  /** clear_output(wait=True): clear when the next output arrives, so a progress display does not flicker. */
  private clearPending = false;

  constructor(private readonly displays: DisplayRegistry) {}

  /** Returns true when the message changed this cell's outputs (for live progress). */
  add(msg: JupyterMessage): boolean {
    const c = msg.content as Record<string, unknown>;
    switch (msg.header.msg_type) {
      case 'stream': {
        this.flushClear();
        const name = c.name === 'stderr' ? 'stderr' : 'stdout';
        const text = String(c.text ?? '');
        const last = this.outputs[this.outputs.length - 1];
        if (last && last.output_type === 'stream' && last.name === name) last.text = String(last.text) + text;
        else this.outputs.push({ output_type: 'stream', name, text });
        return true;
      }
      case 'display_data':
      case 'execute_result': {
        this.flushClear();
        const data = (c.data ?? {}) as MimeBundle;
        const metadata = (c.metadata ?? {}) as Record<string, unknown>;
        const out: DisplayDataOutput | ExecuteResultOutput =
          msg.header.msg_type === 'display_data'
            ? { output_type: 'display_data', data, metadata }
            : { output_type: 'execute_result', execution_count: (c.execution_count as number | undefined) ?? null, data, metadata };
        this.outputs.push(out);
        const id = (c.transient as { display_id?: unknown } | undefined)?.display_id;
        if (typeof id === 'string' && id) this.displays.remember(id, out);
        return true;
      }
      case 'update_display_data': {
        const id = (c.transient as { display_id?: unknown } | undefined)?.display_id;
        if (typeof id !== 'string' || !id) return false;
        return this.displays.update(id, (c.data ?? {}) as MimeBundle, (c.metadata ?? {}) as Record<string, unknown>) > 0;
      }
      case 'error': {
        this.flushClear();
        this.outputs.push({
          output_type: 'error',
          ename: String(c.ename ?? 'Error'),
          evalue: String(c.evalue ?? ''),
          traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
        });
        return true;
      }
      case 'clear_output':
        if (c.wait) this.clearPending = true;
        else this.outputs.length = 0;
        return true;
      default:
        return false;
    }
  }

  private flushClear(): void {
    if (this.clearPending) {
      this.outputs.length = 0;
      this.clearPending = false;
    }
  }

  /** All stderr text of this cell (tslab reports compile errors and exceptions there). */
  stderr(): string {
    return this.outputs.map((o) => (o.output_type === 'stream' && o.name === 'stderr' ? String(o.text) : '')).join('');
  }

  /** Outputs in saved form: stream text as nbformat's line arrays. */
  finish(): Output[] {
    return this.outputs.map((o) => (o.output_type === 'stream' ? { ...o, text: splitLines(String(o.text)) } : o));
  }
}
