import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('builds the renderer from renderer/index.html with its CSP and relative assets', () => {
    const html = readFileSync(join(temp.dir, 'renderer/index.html'), 'utf8');
    expect(html).toContain('Content-Security-Policy');
    expect(html).toMatch(/src="\.\/assets\/[^"]+\.js"/);
    expect(existsSync(join(temp.dir, 'renderer/assets'))).toBe(true);
  });
});
