// Node loader hooks (registered by register.ts): `<file>?nodeWorker` loads as a module that starts
// that file in a worker, as electron-vite's build does. tsx has already resolved the file and kept
// the query on its URL.
import type { LoadHook } from 'node:module';
import { NODE_WORKER_QUERY, workerModuleSource } from './worker-module';

export const load: LoadHook = async (url, context, nextLoad) => {
  if (!url.endsWith(NODE_WORKER_QUERY)) return nextLoad(url, context);
  return { format: 'module', source: workerModuleSource(url.slice(0, -NODE_WORKER_QUERY.length)), shortCircuit: true };
};
