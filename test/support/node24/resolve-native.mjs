// The resolve hook register.mjs installs: `better-sqlite3` comes from the folder built for this Node.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

let dir = '';

export function initialize(data) {
  dir = data.dir;
}

export function resolve(specifier, context, next) {
  if (specifier === 'better-sqlite3') return next(pathToFileURL(join(dir, 'better-sqlite3', 'lib', 'index.js')).href, context);
  return next(specifier, context);
}
