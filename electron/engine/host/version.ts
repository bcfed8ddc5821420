import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** Berth's version, from package.json (found relative to the running file, source or bundle). */
export function berthVersion(): string {
  if (cached) return cached;
  for (const candidate of ['../../../package.json', '../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'berth' && pkg.version) return (cached = pkg.version);
    } catch {
      // try the next location
    }
  }
  return (cached = '0.0.0');
}
