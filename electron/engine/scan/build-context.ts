// Build contexts, packed the way the docker CLI packs them: a tar stream of the project folder minus the
// ignored paths. A zero-config build adds its generated Dockerfile as one more entry (nothing is written
// into the folder), with a `.dockerignore` entry that names it, so the daemon leaves both out of `COPY . .`
// as it does for a Dockerfile a project keeps. That is why an ejected Dockerfile (which comes with a
// .dockerignore naming itself) builds the same image.
import { lstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import tarFs from 'tar-fs';
import type { ScanRecord } from '../../../shared/scan';
import { buildContextIgnores, dockerignorePatterns, type BuildIgnores } from './build-context-ignores';
import { GENERATED_DOCKERFILE } from './dockerfile-template';

/** A context ready for `docker build`: the tar and the Dockerfile's path inside it. */
export interface PreparedBuildContext {
  /** An uncompressed tar; it emits 'error' if a file cannot be read while packing. */
  readonly stream: Readable;
  readonly dockerfile: string;
}

export interface BuildContext extends PreparedBuildContext {
  readonly dockerfile: typeof GENERATED_DOCKERFILE;
  readonly ignores: BuildIgnores;
}

export const DOCKERIGNORE = '.dockerignore';

// A fixed time for the injected entries, so the same Dockerfile gives the same bytes.
const GENERATED_MTIME = new Date(0);

/**
 * A path filter with .dockerignore semantics (true: leave it out). An ignored directory is not descended
 * into, unless an exception pattern (`!dir/keep`) may match inside it, as Docker's own walk does.
 * `isDirectory` is asked only then, which takes projects whose .dockerignore has exceptions. `replaced`
 * paths are always left out (the context gets its own entries for them).
 */
export function contextFilter(patterns: readonly string[], isDirectory: (path: string) => boolean, replaced: readonly string[] = [GENERATED_DOCKERFILE]): (relativePath: string) => boolean {
  const matcher = dockerignore({ ignorecase: false }).add([...patterns]);
  const exceptions = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1).replace(/^\/+/, ''));
  return (path) => {
    if (replaced.includes(path)) return true;
    if (!matcher.ignores(path)) return false;
    const mayHoldException = exceptions.some((exception) => exception.startsWith(`${path}/`) || /^\*/.test(exception));
    return !(mayHoldException && isDirectory(path));
  };
}

async function readDockerignore(dir: string): Promise<string | null> {
  try {
    return await readFile(join(dir, DOCKERIGNORE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

interface InjectedEntry {
  readonly name: string;
  readonly text: string;
}

function packFolder(dir: string, ignored: (relativePath: string) => boolean, injected: readonly InjectedEntry[]): Readable {
  return tarFs.pack(dir, {
    ignore: (absolute) => ignored(relative(dir, absolute).split(sep).join('/')),
    finalize: false,
    finish: (pack) => {
      const next = (index: number): void => {
        const entry = injected[index];
        if (!entry) {
          pack.finalize();
          return;
        }
        pack.entry({ name: entry.name, mode: 0o644, mtime: GENERATED_MTIME, type: 'file' }, entry.text, (error) => {
          if (error) pack.destroy(error);
          else next(index + 1);
        });
      };
      next(0);
    },
  });
}

/** The `.dockerignore` a generated build carries: the patterns it applied, and the two files the daemon must not copy. */
export function generatedDockerignore(ignores: BuildIgnores): string {
  return [`# The build context Berth packed (${ignores.source}); the daemon leaves these two out of COPY.`, GENERATED_DOCKERFILE, DOCKERIGNORE, ...ignores.patterns, ''].join('\n');
}

export async function createBuildContext(scan: ScanRecord, dockerfileText: string): Promise<BuildContext> {
  const dir = scan.sourceDir;
  const ignores = buildContextIgnores(scan, await readDockerignore(dir));
  // tar-fs asks synchronously; the stat happens only for ignored paths that an exception may reach into.
  const ignored = contextFilter(ignores.patterns, (path) => lstatSync(join(dir, path)).isDirectory(), [GENERATED_DOCKERFILE, DOCKERIGNORE]);
  const stream = packFolder(dir, ignored, [
    { name: GENERATED_DOCKERFILE, text: dockerfileText },
    { name: DOCKERIGNORE, text: generatedDockerignore(ignores) },
  ]);
  return { stream, dockerfile: GENERATED_DOCKERFILE, ignores };
}

/**
 * A folder with its own Dockerfile, packed as `docker build` packs it: the .dockerignore applies, but the
 * Dockerfile and the .dockerignore are always sent (the daemon reads them, then leaves them out of COPY
 * when the .dockerignore names them).
 */
export async function createFolderContext(dir: string, dockerfile = 'Dockerfile'): Promise<PreparedBuildContext> {
  const text = await readDockerignore(dir);
  const patterns = text === null ? [] : dockerignorePatterns(text);
  const matcher = contextFilter(patterns, (path) => lstatSync(join(dir, path)).isDirectory(), []);
  const ignored = (path: string): boolean => path !== dockerfile && path !== DOCKERIGNORE && matcher(path);
  return { stream: packFolder(dir, ignored, []), dockerfile };
}
