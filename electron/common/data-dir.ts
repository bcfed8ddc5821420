// Where Berth keeps its data. The engine and the CLI both need it, and the CLI must not load the
// engine to find it, so it lives here with the other small Node helpers they share.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** BERTH_DATA_DIR, else the XDG config dir (~/.config/berth). The desktop app passes Electron's userData. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['BERTH_DATA_DIR']) return env['BERTH_DATA_DIR'];
  const configHome = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return join(configHome, 'berth');
}
