import * as zmq from 'zeromq';
import { address, ConnectionInfo } from './connection';
import { decode, encode, JupyterMessage } from './wire';

/**
 * The client side of a kernel's five ZeroMQ channels, as the Jupyter messaging protocol v5 lays them out:
 * shell, control and stdin (DEALER), iopub (SUB) and heartbeat (REQ). Every reply and iopub message is
 * routed to whoever waits for its parent msg_id, since that is how the protocol ties them to a request.
 */

export type Waiter = (msg: JupyterMessage) => void;

export class KernelChannels {
  /** Waiters for shell and control replies, by the request's msg_id. */
  readonly replyWaiters = new Map<string, Waiter>();
  /** Waiters for iopub messages (outputs, status), by the request's msg_id. */
  readonly iopubWaiters = new Map<string, Waiter>();
  private readonly shell: zmq.Dealer;
  private readonly control: zmq.Dealer;
  private readonly stdin: zmq.Dealer;
  private readonly iopub: zmq.Subscriber;
  private readonly hb: zmq.Request;

  constructor(private readonly conn: ConnectionInfo) {
    const opts = { linger: 0 };
    this.shell = new zmq.Dealer(opts);
    this.control = new zmq.Dealer(opts);
    this.stdin = new zmq.Dealer(opts);
    this.iopub = new zmq.Subscriber(opts);
    this.hb = new zmq.Request({ linger: 0, receiveTimeout: 2000 });
    this.shell.connect(address(conn, conn.shell_port));
    this.control.connect(address(conn, conn.control_port));
    this.stdin.connect(address(conn, conn.stdin_port));
    this.iopub.connect(address(conn, conn.iopub_port));
    this.iopub.subscribe();
    this.hb.connect(address(conn, conn.hb_port));
    void this.pump(this.shell, this.replyWaiters);
    void this.pump(this.control, this.replyWaiters);
    void this.pump(this.iopub, this.iopubWaiters);
    // Nothing asks for input (allow_stdin is false), but drain the channel anyway.
    void this.pump(this.stdin, new Map());
  }

  private async pump(sock: zmq.Dealer | zmq.Subscriber, waiters: Map<string, Waiter>): Promise<void> {
    try {
      for await (const frames of sock) {
        let msg: JupyterMessage;
        try {
          msg = decode(this.conn.key, frames);
        } catch {
          continue; // unsigned or malformed: ignore, as jupyter_client does
        }
        const parent = msg.parent_header.msg_id;
        if (parent) waiters.get(parent)?.(msg);
      }
    } catch {
      /* socket closed */
    }
  }

  sendShell(msg: JupyterMessage<unknown>): Promise<void> {
    return this.shell.send(encode(this.conn.key, msg));
  }

  sendControl(msg: JupyterMessage<unknown>): Promise<void> {
    return this.control.send(encode(this.conn.key, msg));
  }

  /** One heartbeat round trip; false when the kernel does not echo within 2 s. */
  async heartbeat(): Promise<boolean> {
    try {
      await this.hb.send('ping');
      const [echo] = await this.hb.receive();
      return echo.toString() === 'ping';
    } catch {
      return false;
    }
  }

  close(): void {
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.hb]) {
      try { s.close(); } catch { /* already closed */ }
    }
  }
}
