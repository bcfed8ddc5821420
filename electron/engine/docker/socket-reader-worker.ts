// The socket reader's worker thread (docker/socket-reader.ts starts it with electron-vite's
// `?nodeWorker` import, so the build emits it as a file of its own). Its limits come as workerData.
// The engine thread imports only this file's types: importing its code would start a reader.
import { connect, type Socket } from 'node:net';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';

/** Engine thread → worker. */
export type ReaderRequest =
  | { readonly type: 'open'; readonly id: number; readonly path?: string; readonly host?: string; readonly port?: number; readonly request: string }
  | { readonly type: 'ack'; readonly id: number; readonly bytes: number }
  | { readonly type: 'close'; readonly id: number };

/** Worker → engine thread. `data` chunks are transferred, not copied. */
export type ReaderEvent =
  | { readonly type: 'head'; readonly id: number; readonly status: number }
  | { readonly type: 'data'; readonly id: number; readonly chunk: Uint8Array }
  | { readonly type: 'end'; readonly id: number; readonly error?: string };

export interface ReaderLimits {
  /** Bytes posted but not yet acknowledged at which the worker stops reading a socket. */
  readonly highWater: number;
  /** ...and at which it reads again. */
  readonly lowWater: number;
}

/**
 * Reads HTTP/1.0 responses off sockets and posts their bodies to the engine thread. What a socket
 * delivered during one turn of the event loop goes over as one chunk (Docker writes each log line as
 * its own write, so single reads are tiny). Reading stops while more than `highWater` bytes are
 * unacknowledged, so a slow consumer holds Docker back instead of growing a buffer.
 */
function readSockets(port: MessagePort, limits: ReaderLimits): void {
  const MAX_HEADER_BYTES = 65_536;
  const POST_AT_BYTES = 262_144;

  interface Connection {
    readonly socket: Socket;
    /** The response header read so far; undefined once it is parsed. */
    head: Buffer | undefined;
    parts: Buffer[];
    size: number;
    scheduled: boolean;
    unacked: number;
    paused: boolean;
    error: string | undefined;
  }
  const connections = new Map<number, Connection>();

  const post = (id: number, connection: Connection): void => {
    connection.scheduled = false;
    if (connection.size === 0 || connections.get(id) !== connection) return;
    const chunk = new Uint8Array(connection.size);
    let at = 0;
    for (const part of connection.parts) {
      chunk.set(part, at);
      at += part.length;
    }
    connection.parts = [];
    connection.size = 0;
    port.postMessage({ type: 'data', id, chunk } satisfies ReaderEvent, [chunk.buffer]);
  };

  const receive = (id: number, connection: Connection, data: Buffer): void => {
    let body = data;
    if (connection.head !== undefined) {
      const head: Buffer = connection.head.length === 0 ? data : Buffer.concat([connection.head, data]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        connection.head = head;
        if (head.length > MAX_HEADER_BYTES) {
          connection.error = 'the response header is over 64 KB';
          connection.socket.destroy();
        }
        return;
      }
      connection.head = undefined;
      const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head.toString('latin1', 0, Math.min(end, 64)))?.[1] ?? 0);
      port.postMessage({ type: 'head', id, status } satisfies ReaderEvent);
      body = head.subarray(end + 4);
      if (body.length === 0) return;
    }
    connection.parts.push(body);
    connection.size += body.length;
    connection.unacked += body.length;
    if (connection.unacked > limits.highWater && !connection.paused) {
      connection.paused = true;
      connection.socket.pause();
    }
    if (connection.size >= POST_AT_BYTES) post(id, connection);
    else if (!connection.scheduled) {
      connection.scheduled = true;
      setImmediate(() => post(id, connection));
    }
  };

  const open = (request: Extract<ReaderRequest, { type: 'open' }>): void => {
    const { id } = request;
    const socket = request.path !== undefined ? connect(request.path) : connect(request.port ?? 2375, request.host ?? '127.0.0.1');
    const connection: Connection = { socket, head: Buffer.alloc(0), parts: [], size: 0, scheduled: false, unacked: 0, paused: false, error: undefined };
    connections.set(id, connection);
    socket.once('connect', () => socket.write(request.request));
    socket.on('data', (data: Buffer) => receive(id, connection, data));
    socket.on('error', (error: Error) => {
      connection.error = error.message;
    });
    socket.once('close', () => {
      if (connections.get(id) !== connection) return;
      post(id, connection);
      connections.delete(id);
      const error = connection.error ?? (connection.head !== undefined ? 'the connection closed before a response header' : undefined);
      port.postMessage(error === undefined ? ({ type: 'end', id } satisfies ReaderEvent) : ({ type: 'end', id, error } satisfies ReaderEvent));
    });
  };

  port.on('message', (message: ReaderRequest) => {
    if (message.type === 'open') {
      open(message);
      return;
    }
    const connection = connections.get(message.id);
    if (!connection) return;
    if (message.type === 'close') {
      connections.delete(message.id);
      connection.socket.destroy();
      return;
    }
    connection.unacked -= message.bytes;
    if (connection.paused && connection.unacked <= limits.lowWater) {
      connection.paused = false;
      connection.socket.resume();
    }
  });
}

if (!parentPort) throw new Error('socket-reader-worker runs in a worker thread (SocketReader starts it).');
readSockets(parentPort, workerData as ReaderLimits);
