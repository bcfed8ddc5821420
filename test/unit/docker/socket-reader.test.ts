import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { SocketReader } from '../../../electron/engine/docker/socket-reader';
import { makeTempDir } from '../../support/temp-dir';

const REQUEST = 'GET /logs HTTP/1.0\r\nHost: docker\r\n\r\n';

/** A Unix-socket HTTP/1.0 server whose handler gets each connection once its request is in. */
async function serve(dir: string, handle: (socket: Socket, request: string) => void): Promise<{ server: Server; path: string }> {
  const path = join(dir, 'server.sock');
  const server = createServer((socket) => {
    let request = '';
    const onData = (data: Buffer): void => {
      request += data.toString('latin1');
      if (!request.includes('\r\n\r\n')) return;
      socket.removeListener('data', onData);
      handle(socket, request);
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { server, path };
}

async function readAll(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of body as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('SocketReader (a worker thread reading HTTP/1.0 responses)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(handle: (socket: Socket, request: string) => void, limits?: { highWater: number; lowWater: number }) {
    const temp = makeTempDir('socket-reader-');
    cleanups.push(temp.cleanup);
    const { server, path } = await serve(temp.dir, handle);
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const reader = new SocketReader(limits);
    cleanups.push(() => reader.close());
    return { reader, path };
  }

  it('sends the request and hands over the status and the exact body bytes, split across many writes', async () => {
    const payload = randomBytes(3 * 1024 * 1024);
    let seenRequest = '';
    const { reader, path } = await setUp((socket, request) => {
      seenRequest = request;
      // The header arrives in two pieces, the body in uneven ones, as Docker's writes do.
      socket.write('HTTP/1.0 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r');
      socket.write(`\n\r\n${payload.subarray(0, 7).toString('latin1')}`, 'latin1');
      let at = 7;
      const next = (): void => {
        while (at < payload.length) {
          const end = Math.min(payload.length, at + 1 + (at % 9000));
          const flushed = socket.write(payload.subarray(at, end));
          at = end;
          if (!flushed) return void socket.once('drain', next);
        }
        socket.end();
      };
      next();
    });
    const response = await reader.open({ path }, REQUEST);
    expect(response.status).toBe(200);
    const body = await readAll(response.body);
    expect(seenRequest).toBe(REQUEST);
    expect(body.length).toBe(payload.length);
    expect(body.equals(payload)).toBe(true);
    expect(reader.connections).toBe(0);
  });

  it('passes an error status on with its body', async () => {
    const { reader, path } = await setUp((socket) => socket.end('HTTP/1.0 404 Not Found\r\n\r\n{"message":"No such container: x"}'));
    const response = await reader.open({ path }, REQUEST);
    expect(response.status).toBe(404);
    expect((await readAll(response.body)).toString()).toBe('{"message":"No such container: x"}');
  });

  it('stops reading while the consumer is behind, so the server is held back instead of a buffer growing, and loses nothing', async () => {
    const total = 48 * 1024 * 1024;
    const block = randomBytes(64 * 1024);
    let written = 0;
    const { reader, path } = await setUp((socket) => {
      socket.write('HTTP/1.0 200 OK\r\n\r\n');
      const next = (): void => {
        while (written < total) {
          written += block.length;
          if (!socket.write(block)) return void socket.once('drain', next);
        }
        socket.end();
      };
      next();
    }, { highWater: 256 * 1024, lowWater: 64 * 1024 });
    const response = await reader.open({ path }, REQUEST);
    // Nobody reads the body for a while.
    await sleep(1500);
    const heldAt = written;
    // The reader's limit, the body's buffer and the sockets' kernel buffers: a few MB at most.
    expect(heldAt).toBeLessThan(8 * 1024 * 1024);
    let received = 0;
    let intact = true;
    for await (const part of response.body as AsyncIterable<Buffer>) {
      for (let offset = 0; offset < part.length; offset += 4096) {
        const at = (received + offset) % block.length;
        if (part[offset] !== block[at]) intact = false;
      }
      received += part.length;
    }
    expect(received).toBe(total);
    expect(intact).toBe(true);
  });

  it('closes the connection when the body is destroyed', async () => {
    let serverSaw: Promise<void> | undefined;
    const { reader, path } = await setUp((socket) => {
      serverSaw = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write('HTTP/1.0 200 OK\r\n\r\nfirst');
    });
    const response = await reader.open({ path }, REQUEST);
    const first = await new Promise<Buffer>((resolve) => response.body.once('data', resolve));
    expect(first.toString()).toBe('first');
    response.body.destroy();
    await serverSaw;
    expect(reader.connections).toBe(0);
  });

  it('rejects with the reason when it cannot connect', async () => {
    const temp = makeTempDir('socket-reader-');
    cleanups.push(temp.cleanup);
    const reader = new SocketReader();
    cleanups.push(() => reader.close());
    await expect(reader.open({ path: join(temp.dir, 'nobody.sock') }, REQUEST)).rejects.toThrow(/ENOENT/);
  });

  it('does not keep the process alive once its connections are done', () => {
    const script = `
      import { createServer } from 'node:net';
      import { sharedSocketReader } from './electron/engine/docker/socket-reader.ts';
      const server = createServer((socket) => socket.once('data', () => socket.end('HTTP/1.0 200 OK\\r\\n\\r\\nbye')));
      server.listen(0, '127.0.0.1', async () => {
        const { body } = await sharedSocketReader().open({ host: '127.0.0.1', port: server.address().port }, ${JSON.stringify(REQUEST)});
        let text = '';
        for await (const part of body) text += part;
        server.close();
        console.log(text);
      });`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/support/source-workers/register.ts', '--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 15_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('bye');
    // Exited by itself: spawnSync's timeout would have killed it with SIGTERM.
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
  });
});
