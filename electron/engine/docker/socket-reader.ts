import { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
// electron-vite emits the worker as a file of its own and gives back a function that starts it. Run
// from source (vitest, benches), test/support/source-workers/ stands in for it.
import createSocketReaderWorker from './socket-reader-worker?nodeWorker';
import type { ReaderEvent, ReaderLimits, ReaderRequest } from './socket-reader-worker';

/** Where to connect: a Unix socket path, or a TCP host and port. */
export interface SocketTarget {
  readonly path?: string;
  readonly host?: string;
  readonly port?: number;
}

/** An HTTP response read off a socket by the reader thread. Destroying `body` closes the connection. */
export interface SocketResponse {
  readonly status: number;
  readonly body: Readable;
}

const DEFAULT_LIMITS: ReaderLimits = { highWater: 1 << 20, lowWater: 1 << 18 };
const BODY_HIGH_WATER = 65_536;

interface Pending {
  readonly body: Readable;
  /** Settles the `open` promise; undefined once the response header came. */
  opening: { readonly resolve: (status: number) => void; readonly reject: (error: Error) => void } | undefined;
  /** Bytes pushed into `body` while it was full: acknowledged once it is read again. */
  owed: number;
}

/**
 * Reads HTTP responses on a worker thread, so a socket is drained while the engine thread is busy
 * (a SQLite commit under a flood). Docker writes each log line to the socket as its own write, so its
 * side of the socket fills within a few hundred lines; a reader that pauses for a commit blocks Docker's
 * log goroutine for that container, while `docker logs -f` keeps going. One worker serves every
 * connection (the monitor follows up to 50 containers). Bytes come over in transferred chunks, and the
 * worker stops reading a socket while more than `highWater` of its bytes are unacknowledged.
 */
export class SocketReader {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly limits: ReaderLimits = DEFAULT_LIMITS) {}

  /** Connects, sends `request` (a whole HTTP/1.0 request) and resolves once the response header is in. */
  open(target: SocketTarget, request: string): Promise<SocketResponse> {
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise<SocketResponse>((resolve, reject) => {
      const entry: Pending = {
        body: new Readable({
          highWaterMark: BODY_HIGH_WATER,
          read: () => {
            if (entry.owed === 0) return;
            this.send({ type: 'ack', id, bytes: entry.owed });
            entry.owed = 0;
          },
          destroy: (error, callback) => {
            if (this.pending.delete(id)) {
              this.send({ type: 'close', id });
              this.updateRef();
            }
            callback(error);
          },
        }),
        opening: { resolve: (status) => resolve({ status, body: entry.body }), reject },
        owed: 0,
      };
      this.pending.set(id, entry);
      this.updateRef();
      worker.postMessage({ type: 'open', id, request, ...target } satisfies ReaderRequest);
    });
  }

  /** Ends every connection and the worker thread. */
  async close(): Promise<void> {
    for (const entry of [...this.pending.values()]) entry.body.destroy();
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  /** Open connections (for tests). */
  get connections(): number {
    return this.pending.size;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // No inherited flags: whatever the engine process was started with (a loader, an --import) is
    // not the reader's business.
    const worker = createSocketReaderWorker({ workerData: this.limits, execArgv: [] });
    worker.on('message', (event: ReaderEvent) => this.receive(event));
    const lost = (error: Error): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const [id, entry] of [...this.pending]) this.finish(id, entry, error);
    };
    worker.on('error', (error) => lost(new Error(`The log socket reader thread failed: ${error.message}`)));
    worker.on('exit', (code) => lost(new Error(`The log socket reader thread exited (code ${code}).`)));
    this.worker = worker;
    return worker;
  }

  private receive(event: ReaderEvent): void {
    const entry = this.pending.get(event.id);
    if (!entry) return;
    if (event.type === 'head') {
      entry.opening?.resolve(event.status);
      entry.opening = undefined;
      return;
    }
    if (event.type === 'data') {
      const chunk = Buffer.from(event.chunk.buffer, event.chunk.byteOffset, event.chunk.byteLength);
      if (entry.body.push(chunk)) this.send({ type: 'ack', id: event.id, bytes: chunk.length });
      else entry.owed += chunk.length;
      return;
    }
    this.finish(event.id, entry, event.error === undefined ? undefined : new Error(event.error));
  }

  private finish(id: number, entry: Pending, error: Error | undefined): void {
    this.pending.delete(id);
    this.updateRef();
    if (entry.opening) {
      entry.opening.reject(error ?? new Error('The connection closed before a response header.'));
      entry.opening = undefined;
      return;
    }
    if (error) entry.body.destroy(error);
    else entry.body.push(null);
  }

  private send(request: ReaderRequest): void {
    this.worker?.postMessage(request);
  }

  /** The worker keeps the process alive only while a connection is open. */
  private updateRef(): void {
    if (this.pending.size > 0) this.worker?.ref();
    else this.worker?.unref();
  }
}

let shared: SocketReader | undefined;

/** The process's one socket reader. */
export function sharedSocketReader(): SocketReader {
  shared ??= new SocketReader();
  return shared;
}
