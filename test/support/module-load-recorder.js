// `node --import ./test/support/module-load-recorder.js …` (or NODE_OPTIONS=--import=…): appends the
// URL of every module the process loads through the ESM loader to the file named by
// BERTH_MODULE_LOG, one a line. Plain JavaScript, so it can watch the built CLI without tsx.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

let logFile;

export function initialize(data) {
  logFile = data.logFile;
}

export async function load(url, context, nextLoad) {
  appendFileSync(logFile, `${url}\n`);
  return nextLoad(url, context);
}

// Imported by --import on the main thread: register this same file as the hooks (they run on their own thread).
if (isMainThread) {
  const file = process.env.BERTH_MODULE_LOG;
  if (!file) throw new Error('module-load-recorder.js needs BERTH_MODULE_LOG, the file to append module URLs to.');
  register(import.meta.url, { data: { logFile: file } });
}
