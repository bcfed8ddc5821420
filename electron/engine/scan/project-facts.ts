// What the scan decides from: the folder's listing and the texts it read (manifests, configs and a bounded
// set of source files). Built by readProjectFacts at the edge, or directly by a test.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { listProject, type ProjectListing } from './project-listing';
import { selectFilesToRead } from './source-selection';

/** Root files read whenever they exist: manifests, lockfile hints, version files and build configs. */
export const ROOT_FILES_READ = [
  'package.json',
  '.nvmrc',
  '.node-version',
  '.yarnrc.yml',
  'requirements.txt',
  'pyproject.toml',
  'Pipfile',
  '.python-version',
  'runtime.txt',
  'manage.py',
  'go.mod',
  'Procfile',
  'Dockerfile',
  'angular.json',
  'vue.config.js',
  'svelte.config.js',
  'next.config.js',
  'next.config.mjs',
  'next.config.ts',
  'vite.config.js',
  'vite.config.mjs',
  'vite.config.ts',
  'vite.config.mts',
  'astro.config.mjs',
  'astro.config.ts',
  'webpack.config.js',
] as const;

/** A read stops here: enough for any manifest or route table, and a minified bundle costs no more. */
export const MAX_TEXT_BYTES = 256 * 1024;

export interface ProjectFacts {
  readonly sourceDir: string;
  readonly listing: ProjectListing;
  /** Every listed file, for quick existence checks. */
  readonly files: ReadonlySet<string>;
  /** The root's top-level directories, skipped ones included. */
  readonly rootDirectories: ReadonlySet<string>;
  /** Relative path → text, in reading order (root files first, then sources by likelihood). */
  readonly texts: ReadonlyMap<string, string>;
}

export function projectFacts(sourceDir: string, listing: ProjectListing, texts: ReadonlyMap<string, string>): ProjectFacts {
  return {
    sourceDir,
    listing,
    files: new Set(listing.files),
    rootDirectories: new Set(listing.rootEntries.filter((entry) => entry.kind === 'directory').map((entry) => entry.name)),
    texts,
  };
}

async function readText(path: string): Promise<string | null> {
  let handle;
  try {
    // Non-blocking, so a symlink to a FIFO cannot hang the scan; only regular files are read.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stats = await handle.stat();
    if (!stats.isFile()) return null;
    const size = stats.size;
    const buffer = Buffer.alloc(Math.min(size, MAX_TEXT_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.toString('utf8', 0, bytesRead);
  } catch {
    // A file that vanished or cannot be read is treated as absent.
    return null;
  } finally {
    await handle?.close();
  }
}

async function readAll(dir: string, paths: readonly string[], into: Map<string, string>): Promise<void> {
  const texts = await Promise.all(paths.map((path) => readText(join(dir, path))));
  paths.forEach((path, index) => {
    const text = texts[index];
    if (text !== null && text !== undefined) into.set(path, text);
  });
}

/** Lists the folder, reads its root files, then the source files chosen from them. */
export async function readProjectFacts(dir: string): Promise<ProjectFacts> {
  const listing = await listProject(dir);
  const rootFiles = new Set(listing.rootEntries.filter((entry) => entry.kind === 'file').map((entry) => entry.name));
  const texts = new Map<string, string>();
  await readAll(
    dir,
    ROOT_FILES_READ.filter((name) => rootFiles.has(name)),
    texts,
  );
  await readAll(dir, selectFilesToRead(listing, texts), texts);
  return projectFacts(dir, listing, texts);
}
