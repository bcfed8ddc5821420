// What an electron-vite `?nodeWorker` import stands for when the engine runs from its TypeScript
// sources (vitest, benches) instead of the build: the same shape, a default export that takes
// WorkerOptions and returns the started Worker, but started through start-worker.js, which makes the
// worker able to load TypeScript (workers do not inherit the parent's loader hooks).

export const NODE_WORKER_QUERY = '?nodeWorker';

const START_WORKER = new URL('./start-worker.js', import.meta.url).href;

/** The source of the module that `<entry>?nodeWorker` resolves to; `entryUrl` is the worker's file URL. */
export function workerModuleSource(entryUrl: string): string {
  return [
    "import { Worker } from 'node:worker_threads';",
    // The entry travels last in argv; start-worker.js takes it off before the worker's own code runs.
    `export default (options = {}) => new Worker(new URL(${JSON.stringify(START_WORKER)}), { ...options, argv: [...(options.argv ?? []), ${JSON.stringify(entryUrl)}] });`,
  ].join('\n');
}
