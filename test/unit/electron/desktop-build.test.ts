import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReaderEvent, ReaderLimits, ReaderRequest } from '../../../electron/engine/docker/socket-reader-worker';
import { makeTempDir } from '../../support/temp-dir';

// Builds the desktop app with the repository's electron.vite.config.ts into a temp dir, and checks
// the shape Electron needs: a sandbox-safe preload, a main with native packages left external, the
// `berth` CLI beside it, and the socket reader's worker as a file that runs.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const temp = makeTempDir('berth-electron-build-');
let build: ReturnType<typeof spawnSync>;

beforeAll(() => {
  build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', temp.dir, '--logLevel', 'error'], { cwd: root, encoding: 'utf8' });
}, 120_000);

afterAll(() => temp.cleanup());

/** The JavaScript files under a build directory. */
function builtFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.js')).map((name) => join(dir, name));
}

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
    // The engine sits in a chunk shared by the desktop app (index.js) and `berth serve` (cli.js).
    const main = readFileSync(join(temp.dir, 'main/index.js'), 'utf8');
    const engine = builtFiles(join(temp.dir, 'main/chunks')).map((path) => readFileSync(path, 'utf8')).join('\n');
    expect(main).toMatch(/from ["']electron["']/);
    expect(engine).toMatch(/from ["']better-sqlite3["']/);
    expect(engine).toMatch(/from ["']dockerode["']/);
  });

  it('makes the CLI a second entry of main that reaches the engine only through the lazily loaded serve command', () => {
    const cli = readFileSync(join(temp.dir, 'main/cli.js'), 'utf8');
    const staticImports = [...cli.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((match) => match[1]);
    expect(staticImports).toContain('commander');
    expect(staticImports.filter((name) => /^(electron|dockerode|better-sqlite3|fastify|@aws-sdk\/)/.test(name!))).toEqual([]);
    // `berth serve` runs the very chunk the desktop app runs its engine from.
    const serveChunk = /import\(["']\.\/(chunks\/headless-engine-[^"']+)["']\)/.exec(cli)?.[1];
    expect(serveChunk).toBeDefined();
    const engineImport = /from ["']\.\/([^"']+)["']/.exec(readFileSync(join(temp.dir, 'main', serveChunk!), 'utf8'))?.[1];
    expect(engineImport).toBeDefined();
    expect(readFileSync(join(temp.dir, 'main/index.js'), 'utf8')).toContain(`from "./chunks/${engineImport}"`);
  });

  it('emits the log socket reader\'s worker as a file of its own, which runs', async () => {
    // The engine's chunk starts it through electron-vite's `?nodeWorker` wrapper: new Worker(new URL("./<file>", import.meta.url), …).
    const starter = builtFiles(join(temp.dir, 'main')).find((path) => readFileSync(path, 'utf8').includes('new Worker(new URL('));
    const file = starter && /new Worker\(new URL\(["'](\.{1,2}\/[^"']*socket-reader-worker-[^"']+\.js)["'], import\.meta\.url\)/.exec(readFileSync(starter, 'utf8'))?.[1];
    expect(file, 'a chunk of main starts socket-reader-worker-*.js').toBeDefined();
    const workerFile = join(dirname(starter!), file!);
    const text = readFileSync(workerFile, 'utf8');
    // Self-contained: Node builtins only, no chunk it would share with the engine thread.
    expect([...text.matchAll(/from ["']([^"']+)["']/g)].map((match) => match[1]).every((name) => name!.startsWith('node:'))).toBe(true);
    const server = createServer((socket) => socket.once('data', () => socket.end('HTTP/1.0 200 OK\r\n\r\nfrom the build')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const worker = new Worker(workerFile, { workerData: { highWater: 65536, lowWater: 1024 } satisfies ReaderLimits, execArgv: [] });
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
      expect(events.map((event) => (event.type === 'data' ? Buffer.from(event.chunk).toString() : event.type === 'head' ? event.status : event.type))).toEqual([200, 'from the build', 'end']);
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
