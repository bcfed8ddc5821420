import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReaderEvent, ReaderRequest } from '../../../electron/engine/docker/socket-reader-worker';
import { makeTempDir } from '../../support/temp-dir';

// Builds the desktop app with the repository's electron.vite.config.ts into a temp dir, and checks
// the shape Electron needs: a sandbox-safe preload, a main with native packages left external.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const temp = makeTempDir('berth-electron-build-');
let build: ReturnType<typeof spawnSync>;

beforeAll(() => {
  build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', temp.dir, '--logLevel', 'error'], { cwd: root, encoding: 'utf8' });
}, 120_000);

afterAll(() => temp.cleanup());

describe('electron-vite build', () => {
  it('succeeds', () => {
    expect(build.stderr, String(build.stderr)).toBe('');
    expect(build.status).toBe(0);
  });

  it('makes the preload one CommonJS file that requires nothing but electron (sandbox: true)', () => {
    const preload = readFileSync(join(temp.dir, 'preload/index.cjs'), 'utf8');
    expect([...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1])).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(preload).not.toMatch(/\bimport\(/);
    expect(preload).toContain('exposeInMainWorld');
  });

  it('leaves native and Node-only packages external in main', () => {
    const main = readFileSync(join(temp.dir, 'main/index.js'), 'utf8');
    expect(main).toMatch(/from ["']electron["']/);
    expect(main).toMatch(/from ["']better-sqlite3["']/);
    expect(main).toMatch(/from ["']dockerode["']/);
  });

  it('keeps the log socket reader\'s worker function self-contained, so it runs from its source text', async () => {
    // SocketReader starts its worker from socketReaderWorker.toString(); run the bundled text the same way.
    const main = readFileSync(join(temp.dir, 'main/index.js'), 'utf8');
    const start = main.indexOf('function socketReaderWorker(');
    expect(start).toBeGreaterThan(-1);
    const text = main.slice(start, main.indexOf('\n}\n', start) + 2);
    const server = createServer((socket) => socket.once('data', () => socket.end('HTTP/1.0 200 OK\r\n\r\nfrom the bundle')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const worker = new Worker(`(${text})(require('node:net'), require('node:worker_threads'), { highWater: 65536, lowWater: 1024 });`, { eval: true, execArgv: [] });
    try {
      const events: ReaderEvent[] = [];
      const ended = new Promise<void>((resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', (event: ReaderEvent) => {
          events.push(event);
          if (event.type === 'end') resolve();
        });
      });
      const port = (server.address() as { port: number }).port;
      worker.postMessage({ type: 'open', id: 1, host: '127.0.0.1', port, request: 'GET / HTTP/1.0\r\n\r\n' } satisfies ReaderRequest);
      await ended;
      expect(events.map((event) => (event.type === 'data' ? Buffer.from(event.chunk).toString() : event.type === 'head' ? event.status : event.type))).toEqual([200, 'from the bundle', 'end']);
    } finally {
      await worker.terminate();
      server.close();
    }
  });

  it('builds the renderer from renderer/index.html with its CSP and relative assets', () => {
    const html = readFileSync(join(temp.dir, 'renderer/index.html'), 'utf8');
    expect(html).toContain('Content-Security-Policy');
    expect(html).toMatch(/src="\.\/assets\/[^"]+\.js"/);
    expect(existsSync(join(temp.dir, 'renderer/assets'))).toBe(true);
  });
});
