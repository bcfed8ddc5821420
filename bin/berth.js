#!/usr/bin/env node
// The `berth` command: runs the CLI as built by `electron-vite build` (out/main/cli.js, next to the
// desktop app's main process, with which it shares the engine's chunks).
import { existsSync } from 'node:fs';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('berth: the CLI is not built yet (out/main/cli.js is missing). Run `npm run build` in the Berth repository first.\n');
  process.exit(1);
}
await import(cli.href);
