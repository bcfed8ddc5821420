// The build context of a zero-config build: a tar stream of the project folder, minus the ignored paths,
// with the generated Dockerfile added as one more entry. Nothing is written into the folder; the build
// passes `dockerfile: GENERATED_DOCKERFILE`.
import { lstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import tarFs from 'tar-fs';
import type { ScanRecord } from '../../../shared/scan';
import { buildContextIgnores, type BuildIgnores } from './build-context-ignores';
import { GENERATED_DOCKERFILE } from './dockerfile-template';

export interface BuildContext {
  /** An uncompressed tar; it emits 'error' if a file cannot be read while packing. */
  readonly stream: Readable;
  readonly dockerfile: typeof GENERATED_DOCKERFILE;
  readonly ignores: BuildIgnores;
}

// A fixed time for the injected entry, so the same Dockerfile gives the same bytes.
const GENERATED_MTIME = new Date(0);

/**
 * A path filter with .dockerignore semantics (true: leave it out). An ignored directory is not descended
 * into, unless an exception pattern (`!dir/keep`) may match inside it, as Docker's own walk does.
 * `isDirectory` is asked only then, which takes projects whose .dockerignore has exceptions.
 */
export function contextFilter(patterns: readonly string[], isDirectory: (path: string) => boolean): (relativePath: string) => boolean {
  const matcher = dockerignore({ ignorecase: false }).add([...patterns]);
  const exceptions = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1).replace(/^\/+/, ''));
  return (path) => {
    if (path === GENERATED_DOCKERFILE) return true; // replaced by the generated one
    if (!matcher.ignores(path)) return false;
    const mayHoldException = exceptions.some((exception) => exception.startsWith(`${path}/`) || /^\*/.test(exception));
    return !(mayHoldException && isDirectory(path));
  };
}

async function readDockerignore(dir: string): Promise<string | null> {
  try {
    return await readFile(join(dir, '.dockerignore'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function createBuildContext(scan: ScanRecord, dockerfileText: string): Promise<BuildContext> {
  const dir = scan.sourceDir;
  const ignores = buildContextIgnores(scan, await readDockerignore(dir));
  // tar-fs asks synchronously; the stat happens only for ignored paths that an exception may reach into.
  const ignored = contextFilter(ignores.patterns, (path) => lstatSync(join(dir, path)).isDirectory());
  const stream = tarFs.pack(dir, {
    ignore: (absolute) => ignored(relative(dir, absolute).split(sep).join('/')),
    finalize: false,
    finish: (pack) => {
      pack.entry({ name: GENERATED_DOCKERFILE, mode: 0o644, mtime: GENERATED_MTIME, type: 'file' }, dockerfileText, (error) => {
        if (error) pack.destroy(error);
        else pack.finalize();
      });
    },
  });
  return { stream, dockerfile: GENERATED_DOCKERFILE, ignores };
}
