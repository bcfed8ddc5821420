// listProject on real folders: what it skips (and why), breadth-first order, symlinks, the file cap.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listProject } from '../../../electron/engine/scan/project-listing';
import { makeTempDir } from '../../support/temp-dir';

function tree(root: string, files: readonly string[]): void {
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), 'x');
  }
}

describe('listProject', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));
  const temp = (): string => {
    const made = makeTempDir('berth-listing-');
    cleanups.push(made.cleanup);
    return made.dir;
  };

  it('skips dependencies, VCS data, virtualenvs (by name or pyvenv.cfg), caches and build output, at any depth', async () => {
    const dir = temp();
    const big = Array.from({ length: 3_000 }, (_, index) => `node_modules/pkg-${index % 300}/lib/file-${index}.js`);
    tree(dir, [
      'package.json',
      'src/app/server.js',
      'packages/web/node_modules/react/index.js',
      'packages/web/index.js',
      '.git/HEAD',
      '.venv/bin/python',
      'env/pyvenv.cfg',
      'env/lib/site.py',
      'api/__pycache__/app.cpython-311.pyc',
      'api/app.py',
      'dist/main.js',
      ...big,
    ]);
    const listing = await listProject(dir);
    expect([...listing.files].sort()).toEqual(['api/app.py', 'package.json', 'packages/web/index.js', 'src/app/server.js']);
    expect([...listing.skippedDirectories].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: '.git', reason: 'vcs' },
      { path: '.venv', reason: 'virtualenv' },
      { path: 'api/__pycache__', reason: 'cache' },
      { path: 'dist', reason: 'build_output' },
      { path: 'env', reason: 'virtualenv' },
      { path: 'node_modules', reason: 'dependencies' },
      { path: 'packages/web/node_modules', reason: 'dependencies' },
    ]);
    expect(listing.rootEntries.find((entry) => entry.name === 'dist')).toEqual({ name: 'dist', kind: 'directory' });
    expect(listing.truncated).toBe(false);
  });

  it('lists breadth first, so root files come before deeper ones', async () => {
    const dir = temp();
    tree(dir, ['a/b/c/deep.js', 'a/mid.js', 'top.js']);
    expect((await listProject(dir)).files).toEqual(['top.js', 'a/mid.js', 'a/b/c/deep.js']);
  });

  it('does not follow a symlinked directory (no loops), and lists the link', async () => {
    const dir = temp();
    tree(dir, ['src/index.js']);
    symlinkSync(dir, join(dir, 'src/loop'));
    expect([...(await listProject(dir)).files].sort()).toEqual(['src/index.js', 'src/loop']);
  });

  it('stops at the file cap and says so', async () => {
    const dir = temp();
    tree(dir, Array.from({ length: 50 }, (_, index) => `src/f-${index}.js`));
    const listing = await listProject(dir, { maxFiles: 20, maxSkippedReported: 10 });
    expect(listing.files).toHaveLength(20);
    expect(listing.truncated).toBe(true);
  });

  it('throws when the folder itself cannot be read', async () => {
    await expect(listProject(join(temp(), 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
