// The Engine owns the one Docker log socket reader (a worker thread) and closes it: an engine that
// closes leaves no connection open and no thread running.
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../electron/engine/host/engine';
import { makeTempDir } from '../../support/temp-dir';

describe("the engine's socket reader", () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is closed with the engine: its open connections end', async () => {
    const temp = makeTempDir('engine-socket-reader-');
    cleanups.push(temp.cleanup);
    const sockets = new Set<Socket>();
    // Answers the header, then holds the connection open like a followed log stream.
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => socket.write('HTTP/1.0 200 OK\r\n\r\nfirst line\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const engine = await Engine.start({
      docker: new Dockerode({ socketPath: join(temp.dir, 'no-docker.sock') }),
      config: { dataDir: temp.dir, healthIntervalMs: 0, metricsIntervalMs: 0, retentionIntervalMs: 0 },
    });
    const port = (server.address() as { port: number }).port;
    const { status, body } = await engine.socketReader.open({ host: '127.0.0.1', port }, 'GET /follow HTTP/1.0\r\n\r\n');
    expect(status).toBe(200);
    expect(engine.socketReader.connections).toBe(1);

    await engine.close();
    expect(engine.socketReader.connections).toBe(0);
    expect(body.destroyed).toBe(true);
  });
});
