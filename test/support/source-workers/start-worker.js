// The first module of a worker started from TypeScript source (see worker-module.ts): teach this
// thread TypeScript, then run the worker's own file, whose URL is the last argument.
import { register } from 'tsx/esm/api';

const entry = process.argv.pop();
if (!entry) throw new Error('start-worker.js needs the worker file URL as its last argument.');
register();
await import(entry);
