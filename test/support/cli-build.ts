// Tests and benches spawn `bin/berth.js`, which runs the build (out/main/cli.js and the engine chunks),
// not the sources. So that `npx vitest run <file>` after an edit tests the edit, the build is made
// again whenever a source under electron/ or shared/ (or the build config) is newer than it. As a
// vitest globalSetup (`setup`), it runs once before the tests; `npm test` has built already.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_BUILD = join(ROOT, 'out/main/cli.js');
const SOURCES = ['electron', 'shared', 'electron.vite.config.ts'];

function newestFile(path: string): { path: string; mtimeMs: number } {
  const stat = statSync(path);
  if (!stat.isDirectory()) return { path, mtimeMs: stat.mtimeMs };
  let newest = { path, mtimeMs: 0 };
  for (const name of readdirSync(path)) {
    const candidate = newestFile(join(path, name));
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

/** Why the build must be made again, or undefined when it is newer than every source. */
export function cliBuildStaleness(): string | undefined {
  if (!existsSync(CLI_BUILD)) return `${relative(ROOT, CLI_BUILD)} is missing`;
  const built = statSync(CLI_BUILD).mtimeMs;
  const newest = SOURCES.map((source) => newestFile(join(ROOT, source))).reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
  return newest.mtimeMs > built ? `${relative(ROOT, newest.path)} changed after the last build` : undefined;
}

/** Runs `electron-vite build` when the build is missing or older than its sources. */
export function ensureCliBuild(): void {
  const reason = cliBuildStaleness();
  if (reason === undefined) return;
  process.stdout.write(`Building the app and the CLI (electron-vite build): ${reason}.\n`);
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`electron-vite build failed (exit ${result.status ?? result.signal}); bin/berth.js cannot run without it.`);
}

export { ensureCliBuild as setup };
