// `berth ls --json` is a client of the engine's HTTP API: it must start without loading the engine
// (Docker, SQLite, the AWS SDK, fastify cost about a second). Both processes run under a recorder of
// every module loaded; `berth serve`'s record shows the check would see the engine if it were there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBerth, startServeProcess, type ServeProcess } from '../../support/berth-process';
import { makeTempDir } from '../../support/temp-dir';

const RECORDER = fileURLToPath(new URL('../../support/module-load-recorder.js', import.meta.url));
const ENGINE_PACKAGES = /\/node_modules\/(dockerode|better-sqlite3|@aws-sdk\/[^/]+|fastify|@fastify\/[^/]+)\//;

function recorded(log: string): string[] {
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

/** The packages among the loaded modules that only the engine uses. */
function enginePackages(urls: readonly string[]): string[] {
  return [...new Set(urls.map((url) => ENGINE_PACKAGES.exec(url)?.[1]).filter((name) => name !== undefined))].sort();
}

/** Loaded files of the build that hold engine code: the bundler heads each module with its source path. */
function engineFiles(urls: readonly string[]): string[] {
  return urls.filter((url) => url.startsWith('file:') && url.includes('/out/main/')).filter((url) => /^\/\/ electron\/engine\//m.test(readFileSync(fileURLToPath(url), 'utf8')));
}

describe('berth ls against a running engine', () => {
  const temp = makeTempDir('berth-cli-loads-');
  const dataDir = join(temp.dir, 'data');
  const serveLog = join(temp.dir, 'serve-modules.log');
  let serve: ServeProcess;

  beforeAll(async () => {
    serve = await startServeProcess(dataDir, { NODE_OPTIONS: `--import=${RECORDER}`, BERTH_MODULE_LOG: serveLog });
  }, 90_000);
  afterAll(async () => {
    await serve.stop();
    temp.cleanup();
  });

  it('berth serve loads the engine, so the record would show it', () => {
    const loaded = recorded(serveLog);
    expect(enginePackages(loaded)).toEqual(expect.arrayContaining(['better-sqlite3', 'dockerode', 'fastify']));
    expect(enginePackages(loaded).some((name) => name.startsWith('@aws-sdk/'))).toBe(true);
    expect(engineFiles(loaded).length).toBeGreaterThan(0);
  });

  it('berth ls --json loads no engine package and no engine code', () => {
    const log = join(temp.dir, 'ls-modules.log');
    const listed = runBerth(['ls', '--json'], dataDir, { NODE_OPTIONS: `--import=${RECORDER}`, BERTH_MODULE_LOG: log });
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    const loaded = recorded(log);
    // The record holds the CLI itself, or the checks below would pass on nothing.
    expect(loaded.some((url) => url.endsWith('/out/main/cli.js'))).toBe(true);
    expect(loaded.some((url) => url.includes('/node_modules/commander/'))).toBe(true);
    expect(enginePackages(loaded)).toEqual([]);
    expect(engineFiles(loaded)).toEqual([]);
  });
});
