import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { sharedSocketReader } from './socket-reader';

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

const MAX_ERROR_BYTES = 65_536;

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
 * `docker` CLI under a flood. Asking with HTTP/1.0 makes Docker send the body unchunked. The socket
 * is read on the socket reader's thread (logs/socket-reader.ts), so Docker is never held up while the
 * engine thread commits. TLS and SSH connections fall back to dockerode.
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
  const target = socketPath !== undefined ? { path: socketPath } : { host: modem.host ?? '127.0.0.1', port: Number(modem.port ?? 2375) };
  const prefix = modem.version ? `/${modem.version.startsWith('v') ? modem.version : `v${modem.version}`}` : '';
  const path = `${prefix}/containers/${encodeURIComponent(containerId)}/logs?${query(options)}`;
  const { status, body } = await sharedSocketReader().open(target, `GET ${path} HTTP/1.0\r\nHost: docker\r\n\r\n`);
  if (status === 200) return body;
  // An error body is a short JSON message; read it whole for the error text.
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of body as AsyncIterable<Buffer>) {
    if (size >= MAX_ERROR_BYTES) continue;
    parts.push(part);
    size += part.length;
  }
  const text = Buffer.concat(parts).toString('utf8');
  let message = text.trim();
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? message;
  } catch {
    // not JSON: keep the text
  }
  throw new DockerLogStreamError(status, `Docker could not stream the logs of ${containerId.slice(0, 12)} (HTTP ${status}): ${message}`);
}
