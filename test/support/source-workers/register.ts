// `node --import tsx --import ./test/support/source-workers/register.ts <file.ts>`: runs engine sources
// that start workers with electron-vite's `?nodeWorker` imports (benches, spawned test scripts). It
// comes after tsx, so its hook sees those imports before tsx would load them as plain modules.
import { register } from 'node:module';

register('./node-hooks.ts', import.meta.url);
