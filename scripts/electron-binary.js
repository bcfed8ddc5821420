// Where the Electron executable is, or why there is none, without side effects: since Electron 40,
// `require('electron')` tries to download a missing binary (printing and failing on machines that cannot
// reach Electron's downloads), so this reads the package's own pointer to it instead. It honours
// ELECTRON_OVERRIDE_DIST_PATH like the package does; `BERTH_ELECTRON_BINARY` names another executable
// (tests point it at one that does not exist).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const electronPackage = fileURLToPath(new URL('../node_modules/electron/', import.meta.url));

/** `{ executable }` when the binary is there, else `{ reason }` (one sentence). */
export function findElectron(env = process.env) {
  const missing = (what) => ({ reason: `the Electron binary is not installed on this machine (${what})` });
  if (env.BERTH_ELECTRON_BINARY) {
    return existsSync(env.BERTH_ELECTRON_BINARY) ? { executable: env.BERTH_ELECTRON_BINARY } : missing(`${env.BERTH_ELECTRON_BINARY} does not exist`);
  }
  const pointer = join(electronPackage, 'path.txt');
  if (!existsSync(pointer)) return missing('node_modules/electron has no downloaded binary');
  const relative = readFileSync(pointer, 'utf8').trim();
  const executable = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, relative) : join(electronPackage, 'dist', relative);
  return existsSync(executable) ? { executable } : missing(`${executable} does not exist`);
}
