import { connect, type Socket } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import type Dockerode from 'dockerode';

export interface DockerLogStreamOptions {
  readonly follow?: boolean;
  readonly stdout?: boolean;
  readonly stderr?: boolean;
  readonly timestamps?: boolean;
  /** Unix seconds (may be fractional) or an RFC 3339 time. */
  readonly since?: number | string;
  readonly tail?: number | 'all';
}

/** Docker answered with an error status (404: no such container). */
export class DockerLogStreamError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'DockerLogStreamError';
  }
}

interface ModemConfig {
  /** docker-modem may hold a function that finds the default socket. */
  socketPath?: string | (() => Promise<string> | string);
  host?: string;
  port?: number | string;
  protocol?: string;
  version?: string;
}

const MAX_HEADER_BYTES = 65_536;

function query(options: DockerLogStreamOptions): string {
  const params = new URLSearchParams();
  params.set('follow', options.follow ? '1' : '0');
  params.set('stdout', options.stdout === false ? '0' : '1');
  params.set('stderr', options.stderr === false ? '0' : '1');
  if (options.timestamps) params.set('timestamps', '1');
  if (options.since !== undefined) params.set('since', String(options.since));
  if (options.tail !== undefined) params.set('tail', String(options.tail));
  return params.toString();
}

/**
 * A container's log stream (the bytes DockerLogDemuxer expects), read straight off the Docker
 * socket. Why not dockerode's `container.logs`: Docker sends each log line as its own HTTP chunk,
 * and Node's HTTP client turns every chunk into a stream event — about 3x slower than the
 * `docker` CLI under a flood. Asking with HTTP/1.0 makes Docker send the body unchunked, so reads
 * come in socket-sized pieces. TLS and SSH connections fall back to dockerode.
 * Destroying the returned stream closes the connection, which stops the follow.
 */
export async function openDockerLogStream(docker: Dockerode, containerId: string, options: DockerLogStreamOptions = {}): Promise<Readable> {
  const modem = (docker as unknown as { modem: ModemConfig }).modem;
  const plain = modem.socketPath !== undefined || modem.protocol === 'http';
  if (!plain) {
    const container = docker.getContainer(containerId);
    const common = {
      stdout: options.stdout !== false,
      stderr: options.stderr !== false,
      timestamps: options.timestamps ?? false,
      ...(options.since !== undefined ? { since: options.since as number } : {}),
      ...(typeof options.tail === 'number' ? { tail: options.tail } : {}),
    };
    if (options.follow) return (await container.logs({ ...common, follow: true })) as unknown as Readable;
    return Readable.from([await container.logs({ ...common, follow: false })]);
  }
  const socketPath = typeof modem.socketPath === 'function' ? await modem.socketPath() : modem.socketPath;
  const socket: Socket = socketPath !== undefined ? connect(socketPath) : connect(Number(modem.port ?? 2375), modem.host ?? '127.0.0.1');
  const prefix = modem.version ? `/${modem.version.startsWith('v') ? modem.version : `v${modem.version}`}` : '';
  const path = `${prefix}/containers/${encodeURIComponent(containerId)}/logs?${query(options)}`;
  return new Promise<Readable>((resolve, reject) => {
    let head: Buffer = Buffer.alloc(0);
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_HEADER_BYTES) fail(new Error('Docker sent an oversized response header.'));
        return;
      }
      socket.removeListener('data', onData);
      socket.removeListener('error', fail);
      socket.pause();
      const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head.toString('latin1', 0, Math.min(end, 64)))?.[1] ?? 0);
      const body = head.subarray(end + 4);
      if (status === 200) {
        // A PassThrough, not the socket: a socket paused by hand would not flow for a later 'data' listener.
        const out = new PassThrough({ highWaterMark: 65_536 });
        if (body.length > 0) out.write(body);
        socket.pipe(out);
        socket.once('error', (error) => out.destroy(error));
        out.once('close', () => socket.destroy());
        socket.resume();
        resolve(out);
        return;
      }
      // An error body is a short JSON message; read it whole for the error text.
      const parts: Buffer[] = [body];
      socket.on('data', (part: Buffer) => parts.push(part));
      socket.once('error', () => undefined);
      socket.once('close', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let message = text.trim();
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? message;
        } catch {
          // not JSON: keep the text
        }
        reject(new DockerLogStreamError(status, `Docker could not stream the logs of ${containerId.slice(0, 12)} (HTTP ${status}): ${message}`));
      });
      socket.resume();
    };
    socket.on('data', onData);
    socket.once('error', fail);
    socket.once('connect', () => socket.write(`GET ${path} HTTP/1.0\r\nHost: docker\r\n\r\n`));
  });
}
