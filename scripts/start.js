#!/usr/bin/env node
// `npm start`: the desktop app where the Electron binary exists; otherwise one line saying why, then
// browser mode (`berth serve` with the built renderer), printing its URL. `npm start -- --browser`
// forces browser mode; other arguments (e.g. `--port 7777`) go to `berth serve`.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectron } from './electron-binary.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const serveArgs = args.filter((arg) => arg !== '--browser');

function runOrExit(label, command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    process.stderr.write(`berth: ${label} failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(result.status ?? 1);
  }
}

/** Runs a long-lived child in the foreground, passing Ctrl+C / SIGTERM on and exiting with its code. */
function foreground(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/**
 * better-sqlite3 is compiled for Node. Electron needs it built for its own ABI, which requires
 * Electron's headers from the network. When that cannot happen the step is skipped with a note.
 */
function ensureNativeModulesFor(executable) {
  const probe = spawnSync(executable, ['-e', "require('better-sqlite3')(':memory:').close()"], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: 'ignore',
  });
  if (probe.status === 0) return true;
  const version = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  process.stdout.write(`berth: rebuilding better-sqlite3 for Electron ${version} (afterwards, \`npm rebuild better-sqlite3\` switches it back for the CLI and tests)…\n`);
  const rebuilt = spawnSync('npm', ['rebuild', 'better-sqlite3'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_runtime: 'electron', npm_config_target: version, npm_config_disturl: 'https://electronjs.org/headers', npm_config_build_from_source: 'true' },
  });
  if (rebuilt.status === 0) return true;
  process.stdout.write('berth: skipped rebuilding better-sqlite3 for Electron (Electron headers could not be fetched); starting browser mode instead.\n');
  spawnSync('npm', ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit' });
  return false;
}

function startDesktop(executable) {
  if (!ensureNativeModulesFor(executable)) return false;
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  foreground(executable, [root], env);
  return true;
}

function startBrowser() {
  runOrExit('the renderer build', process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn']);
  // `berth serve` prints the URL to open (with the API token in its fragment).
  foreground(process.execPath, [join(root, 'bin/berth.js'), 'serve', ...serveArgs]);
}

// One build for both modes: the desktop app's main process and the `berth` CLI (out/main/cli.js) that
// browser mode runs as `berth serve` share the engine's chunks.
runOrExit('the build (electron-vite build)', process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
const electron = forceBrowser ? { reason: 'browser mode was asked for (--browser)' } : findElectron();
if (electron.executable && startDesktop(electron.executable)) {
  // The desktop app runs in the foreground.
} else {
  if (electron.reason) process.stdout.write(`berth: not starting the desktop app: ${electron.reason}; starting browser mode instead.\n`);
  startBrowser();
}
