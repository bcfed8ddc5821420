// The scan is groundwork to be wired into the pipeline later: it may import only shared/, the engine's
// logger, Node builtins and the two packages the build context needs, never the rest of the engine.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCAN_DIR = fileURLToPath(new URL('../../../electron/engine/scan/', import.meta.url));
const ALLOWED_PACKAGES = ['tar-fs', '@balena/dockerignore'];

function disallowedImports(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)].map((match) => match[1] ?? match[2] ?? match[3]!);
  return specifiers.filter((specifier) => {
    if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return false;
    if (ALLOWED_PACKAGES.includes(specifier)) return false;
    if (/^\.\/[\w-]+$/.test(specifier)) return false; // inside scan/
    if (specifier === '../logger') return false;
    if (/^\.\.\/\.\.\/\.\.\/shared(?:\/[\w-]+)?$/.test(specifier)) return false;
    return true;
  });
}

describe('electron/engine/scan imports', () => {
  const files = readdirSync(SCAN_DIR).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));

  it('finds the module files', () => {
    expect(files).toContain('scan-project.ts');
  });

  it.each(files)('%s imports only shared/, the logger, Node builtins, tar-fs and @balena/dockerignore', (file) => {
    expect(disallowedImports(readFileSync(`${SCAN_DIR}${file}`, 'utf8'))).toEqual([]);
  });

  it('the check catches the rest of the engine and other packages', () => {
    expect(disallowedImports("import { Store } from '../store/store';\nimport Dockerode from 'dockerode';\nimport { x } from './ok';\n")).toEqual(['../store/store', 'dockerode']);
  });
});
