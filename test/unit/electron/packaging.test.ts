// The installers' configuration (electron-builder.json) and `npm run dist` on a machine without the
// Electron binary. Packaging itself needs Electron's downloads, which these machines cannot reach.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEEP_LINK_SCHEME } from '../../../shared/log-link';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const config = JSON.parse(readFileSync(`${root}/electron-builder.json`, 'utf8')) as Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  mac: { target: { target: string; arch: string[] }[] };
  win: { target: { target: string; arch: string[] }[] };
  linux: { target: { target: string; arch: string[] }[] };
};
const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { devDependencies: Record<string, string>; scripts: Record<string, string> };

describe('the desktop installers', () => {
  it('build a dmg for both Mac architectures, nsis for Windows, AppImage and deb for Linux', () => {
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['arm64', 'x64'] }]);
    expect(config.win.target.map((target) => target.target)).toEqual(['nsis']);
    expect(config.linux.target.map((target) => target.target)).toEqual(['AppImage', 'deb']);
  });

  it('set the Electron fuses: no run-as-node, NODE_OPTIONS or inspect; app only from an integrity-checked asar; cookies encrypted', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
    expect(config['asar']).toBe(true);
  });

  it("rebuild better-sqlite3 for Electron's ABI at package time and keep native code and the log reader's worker outside the asar", () => {
    expect(config['npmRebuild']).toBe(true);
    expect(config['asarUnpack']).toEqual(expect.arrayContaining(['**/*.node', 'out/main/chunks/socket-reader-worker-*.js']));
    expect(config['files']).toEqual(expect.arrayContaining(['out/**', 'resources/**', 'package.json']));
  });

  it('register the berth:// scheme, so a copied link to a log line opens the desktop app (shared/log-link.ts)', () => {
    expect(config['protocols']).toEqual([{ name: 'Berth link', schemes: [DEEP_LINK_SCHEME] }]);
  });

  it('package a supported Electron line (the three newest majors: 45, 44, 43 on 2026-12-04)', () => {
    const major = Number(/(\d+)/.exec(pkg.devDependencies['electron'] ?? '')?.[1]);
    expect(major).toBeGreaterThanOrEqual(43);
    expect(pkg.devDependencies['electron-builder']).toBeDefined();
    expect(pkg.scripts['dist']).toBe('node scripts/dist.js');
  });

  it('`npm run dist` stops at once with one line where the Electron binary cannot be had', () => {
    const result = spawnSync(process.execPath, [`${root}/scripts/dist.js`], {
      cwd: root,
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, BERTH_ELECTRON_BINARY: `${root}/no-such-electron-binary` },
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^berth: cannot build the installers: the Electron binary is not installed on this machine .*npm run dist/)]);
  });
});
