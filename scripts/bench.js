#!/usr/bin/env node
// Runs every bench/*.bench.ts in turn (or the ones named: `npm run bench -- ingest`). Each prints
// `BENCH <name> <value> <unit> [ratio=<x>]` lines, with ratios against a baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { provision } from './provision.js';

const filters = process.argv.slice(2);
const files = readdirSync(new URL('../bench', import.meta.url))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();

await provision(['chromium', 'docker']);
let failed = 0;
for (const file of files) {
  process.stdout.write(`# ${file}\n`);
  // tsx runs the TypeScript; the second hook runs the engine's `?nodeWorker` workers from source too.
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/support/source-workers/register.ts', `bench/${file}`], {
    stdio: 'inherit',
    env: { ...process.env, BERTH_LOG_LEVEL: 'warn' },
  });
  if (result.status !== 0) {
    failed += 1;
    process.stdout.write(`# ${file} FAILED (exit ${result.status})\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
