#!/usr/bin/env node
// `npm run dist`: installers for this platform (electron-builder, electron-builder.json): a dmg on macOS
// (arm64 and x64), nsis on Windows, AppImage and deb on Linux, with better-sqlite3 rebuilt for Electron's
// ABI and the Electron fuses set. Packaging needs the Electron binary (and Electron's headers for the
// native rebuild); where it cannot be had, this stops at once with one line saying so.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectron } from './electron-binary.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const electron = findElectron();
if (!electron.executable) {
  process.stderr.write(`berth: cannot build the installers: ${electron.reason}; run \`npm run dist\` where \`npm install\` can download Electron.\n`);
  process.exit(1);
}

function run(label, command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`berth: ${label} failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(result.status ?? 1);
  }
}

run('the desktop build (electron-vite build)', process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
run('packaging (electron-builder)', process.execPath, [join(root, 'node_modules/electron-builder/cli.js'), '--config', 'electron-builder.json', '--publish', 'never', ...process.argv.slice(2)]);
