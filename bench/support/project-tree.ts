// A project folder of 100,000 files for the scan bench: an Express server whose node_modules holds most of
// the files (nested packages included), a .git with loose objects, a dist/ of build output, and 10,000
// source files of its own in 500 folders. Generated once into the temp dir; BENCH_FRESH=1 regenerates.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TREE_FILES = 100_000;
const SOURCE_FILES = 10_000;
const SOURCE_PER_DIR = 20;
const GIT_FILES = 3_000;
const DIST_FILES = 2_000;
const FILES_PER_PACKAGE = 50;

export interface ProjectTree {
  readonly dir: string;
  readonly files: number;
  readonly sourceFiles: number;
  readonly generatedSeconds: number | null;
}

function write(path: string, text: string): void {
  writeFileSync(path, text);
}

export function projectTree(): ProjectTree {
  const dir = join(tmpdir(), `berth-bench-scan-${TREE_FILES}`);
  const done = join(tmpdir(), `berth-bench-scan-${TREE_FILES}.complete`);
  if (existsSync(done) && existsSync(dir) && process.env['BENCH_FRESH'] !== '1') return { dir, files: TREE_FILES, sourceFiles: SOURCE_FILES, generatedSeconds: null };
  rmSync(dir, { recursive: true, force: true });
  rmSync(done, { force: true });
  const start = performance.now();
  mkdirSync(dir, { recursive: true });
  let files = 0;
  const file = (path: string, text: string): void => {
    write(join(dir, path), text);
    files += 1;
  };

  file('package.json', JSON.stringify({ name: 'bench-app', private: true, scripts: { start: 'node server.js' }, engines: { node: '>=20' }, dependencies: { express: '^4.21.2' } }, null, 2));
  file('package-lock.json', '{"lockfileVersion":3}\n');
  file('server.js', "const app = require('express')();\napp.get('/health', (_q, r) => r.send('ok'));\napp.listen(process.env.PORT || 3000);\n");

  for (let index = 0; index < SOURCE_FILES - 3; index += 1) {
    const folder = `src/feature-${Math.floor(index / SOURCE_PER_DIR)}`;
    if (index % SOURCE_PER_DIR === 0) mkdirSync(join(dir, folder), { recursive: true });
    file(`${folder}/module-${index}.js`, `export const value${index} = ${index};\n`);
  }
  for (let index = 0; index < GIT_FILES; index += 1) {
    const folder = `.git/objects/${(index % 256).toString(16).padStart(2, '0')}`;
    mkdirSync(join(dir, folder), { recursive: true });
    file(`${folder}/${index.toString(16).padStart(38, '0')}`, 'x');
  }
  mkdirSync(join(dir, 'dist/assets'), { recursive: true });
  for (let index = 0; index < DIST_FILES; index += 1) file(`dist/assets/chunk-${index}.js`, 'x');

  // node_modules takes the rest: packages of 50 files (lib/, lib/internal/), every tenth with a nested node_modules.
  for (let pkg = 0; files < TREE_FILES; pkg += 1) {
    const root = pkg % 10 === 9 ? `node_modules/pkg-${pkg - 1}/node_modules/pkg-${pkg}` : `node_modules/pkg-${pkg}`;
    mkdirSync(join(dir, root, 'lib/internal'), { recursive: true });
    file(`${root}/package.json`, `{"name":"pkg-${pkg}","main":"index.js"}`);
    for (let index = 1; index < FILES_PER_PACKAGE && files < TREE_FILES; index += 1) file(`${root}/${index % 2 === 0 ? 'lib' : 'lib/internal'}/file-${index}.js`, 'module.exports = 1;\n');
  }
  write(done, '');
  return { dir, files, sourceFiles: SOURCE_FILES, generatedSeconds: (performance.now() - start) / 1000 };
}
