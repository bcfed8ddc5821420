import { pathToFileURL } from 'node:url';
import type { Plugin } from 'vite';
// With its extension: vitest.config.ts imports this file, and vite's config loader asks for one.
import { NODE_WORKER_QUERY, workerModuleSource } from './worker-module.js';

const VIRTUAL = '\0source-worker:';

/** For vitest: resolves `<file>?nodeWorker` as electron-vite's build does, but to a worker run from source. */
export function nodeWorkerFromSource(): Plugin {
  return {
    name: 'berth:node-worker-from-source',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!source.endsWith(NODE_WORKER_QUERY)) return null;
      const entry = await this.resolve(source.slice(0, -NODE_WORKER_QUERY.length), importer, { skipSelf: true });
      if (!entry) return null;
      return `${VIRTUAL}${entry.id}`;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL)) return null;
      return workerModuleSource(pathToFileURL(id.slice(VIRTUAL.length)).href);
    },
  };
}
