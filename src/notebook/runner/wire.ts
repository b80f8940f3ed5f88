import { createHmac, randomUUID } from 'node:crypto';

/**
 * The Jupyter messaging protocol v5 wire format, for a client (we talk to one tslab kernel).
 * A message on a socket is the frames
 *   [routing ids..., "<IDS|MSG>", hmac, header, parent_header, metadata, content, buffers...]
 * where hmac is HMAC-SHA256 (hex) over the four JSON frames, keyed by the connection file's key.
 */
export const DELIMITER = '<IDS|MSG>';
export const PROTOCOL_VERSION = '5.3';

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface JupyterMessage<C = Record<string, unknown>> {
  header: MessageHeader;
  /** Header of the request this message answers; `{}` for requests. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export function sign(key: string, frames: (string | Buffer)[]): string {
  // An empty key means "no signing" in the protocol.
  if (!key) return '';
  const h = createHmac('sha256', key);
  for (const f of frames) h.update(f);
  return h.digest('hex');
}

export function makeMessage<C>(session: string, msgType: string, content: C, parent?: MessageHeader): JupyterMessage<C> {
  return {
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session,
      username: 'taco',
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: parent ?? {},
    metadata: {},
    content,
    buffers: [],
  };
}

/** Frames to send from a DEALER (no routing prefix). */
export function encode(key: string, msg: JupyterMessage<unknown>): (string | Buffer)[] {
  const body = [
    JSON.stringify(msg.header),
    JSON.stringify(msg.parent_header),
    JSON.stringify(msg.metadata),
    JSON.stringify(msg.content),
  ];
  return [DELIMITER, sign(key, body), ...body, ...msg.buffers];
}

/** Parses received frames; throws on a missing delimiter or a bad signature (never trust an unsigned message). */
export function decode(key: string, frames: Buffer[]): JupyterMessage {
  const d = frames.findIndex((f) => f.toString() === DELIMITER);
  if (d < 0) throw new Error('jupyter wire: message has no <IDS|MSG> delimiter');
  if (frames.length < d + 6) throw new Error(`jupyter wire: message has ${frames.length - d - 1} frames after the delimiter, want >= 5`);
  const hmac = frames[d + 1].toString();
  const body = frames.slice(d + 2, d + 6);
  const want = sign(key, body);
  if (key && hmac !== want) throw new Error('jupyter wire: bad HMAC signature');
  return {
    header: JSON.parse(body[0].toString()) as MessageHeader,
    parent_header: JSON.parse(body[1].toString()) as Partial<MessageHeader>,
    metadata: JSON.parse(body[2].toString()) as Record<string, unknown>,
    content: JSON.parse(body[3].toString()) as Record<string, unknown>,
    buffers: frames.slice(d + 6),
  };
}
