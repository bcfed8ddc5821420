// Lists a project folder for the scan: every file's relative path, breadth first (so the files that decide
// the shape are seen before deep ones), without descending into dependencies, VCS data, virtualenvs, caches
// or build output. Asynchronous: the engine shares its thread with the app's main process.
import { readdir } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import type { SkippedDirectory, SkipReason } from '../../../shared/scan';

const SKIPPED_BY_NAME: ReadonlyMap<string, SkipReason> = new Map<string, SkipReason>([
  ...['node_modules', 'bower_components', 'jspm_packages', 'vendor'].map((name) => [name, 'dependencies'] as const),
  ...['.git', '.hg', '.svn'].map((name) => [name, 'vcs'] as const),
  ...['.venv', 'venv'].map((name) => [name, 'virtualenv'] as const),
  ...[
    '__pycache__',
    '.pytest_cache',
    '.mypy_cache',
    '.ruff_cache',
    '.tox',
    '.nox',
    '.cache',
    '.parcel-cache',
    '.turbo',
    '.gradle',
    '.idea',
    'coverage',
  ].map((name) => [name, 'cache'] as const),
  ...['dist', 'build', 'out', '.next', '.nuxt', '.svelte-kit', '.output', '.vercel', 'target', '_site'].map((name) => [name, 'build_output'] as const),
]);

/** Why a directory with this name is not read, or null when it is. Virtualenvs under other names are found by their pyvenv.cfg. */
export function skipReasonFor(name: string): SkipReason | null {
  return SKIPPED_BY_NAME.get(name) ?? null;
}

export interface ListingEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory';
}

export interface ProjectListing {
  /** Relative paths (with `/`) of files and symlinks, breadth first. */
  readonly files: readonly string[];
  /** The folder's own top-level entries, skipped directories included (`dist` may matter to the decision). */
  readonly rootEntries: readonly ListingEntry[];
  readonly skippedDirectories: readonly SkippedDirectory[];
  /** True when the listing stopped at `maxFiles`. */
  readonly truncated: boolean;
}

export interface ListingLimits {
  readonly maxFiles: number;
  readonly maxSkippedReported: number;
}

export const DEFAULT_LISTING_LIMITS: ListingLimits = { maxFiles: 50_000, maxSkippedReported: 100 };

/** Throws (ENOENT, ENOTDIR, EACCES) only when the folder itself cannot be read; unreadable subfolders are left out. */
export async function listProject(dir: string, limits: ListingLimits = DEFAULT_LISTING_LIMITS): Promise<ProjectListing> {
  const files: string[] = [];
  const skipped: SkippedDirectory[] = [];
  const rootDirents = await readdir(dir, { withFileTypes: true });
  const rootEntries: ListingEntry[] = [];
  let truncated = false;
  let level: string[] = [];

  const skip = (path: string, reason: SkipReason): void => {
    if (skipped.length < limits.maxSkippedReported) skipped.push({ path, reason });
  };
  // Returns the subdirectories to read next.
  const take = (prefix: string, dirents: readonly Dirent[]): string[] => {
    const next: string[] = [];
    if (prefix !== '' && dirents.some((entry) => entry.name === 'pyvenv.cfg' && !entry.isDirectory())) {
      skip(prefix, 'virtualenv');
      return next;
    }
    for (const entry of dirents) {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        const reason = skipReasonFor(entry.name);
        if (reason === null) next.push(path);
        else skip(path, reason);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        if (files.length >= limits.maxFiles) {
          truncated = true;
          return [];
        }
        files.push(path);
      }
    }
    return next;
  };

  for (const entry of rootDirents) {
    if (entry.isDirectory()) rootEntries.push({ name: entry.name, kind: 'directory' });
    else if (entry.isFile() || entry.isSymbolicLink()) rootEntries.push({ name: entry.name, kind: 'file' });
  }
  level = take('', rootDirents);
  while (level.length > 0 && !truncated) {
    // One level at a time, all its directories at once: the reads overlap in libuv's thread pool.
    const listed = await Promise.all(level.map((path) => readdir(join(dir, path), { withFileTypes: true }).catch(() => [] as Dirent[])));
    const nextLevel: string[] = [];
    for (let index = 0; index < level.length && !truncated; index += 1) {
      for (const path of take(level[index]!, listed[index]!)) nextLevel.push(path);
    }
    level = nextLevel;
  }
  return { files, rootEntries, skippedDirectories: skipped, truncated };
}
