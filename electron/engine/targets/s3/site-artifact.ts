// A release's site files, kept under Berth's data dir so a rollback can publish them again
// (docs/product-rules.md, "Static sites on S3"): `<dataDir>/artifacts/s3/<deploymentId>/<runId>/files/…`
// and a `manifest.json` with each file's size and the ETag S3 will give it. The release records the
// artifact as `s3-artifact:<runId>` (its imageRef). A `static` site's files are copied from the project
// folder (the build context's ignore rules apply; nothing is written into the folder); a `static_build`
// site's are taken out of the image the zero-config build made (its SITE_ROOT).
import { createReadStream, statSync } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import type Dockerode from 'dockerode';
import tarFs from 'tar-fs';
import type { ScanRecord } from '../../../../shared';
import { withDockerTimeout } from '../../docker/call';
import { contextFilter, DOCKERIGNORE } from '../../scan/build-context';
import { buildContextIgnores } from '../../scan/build-context-ignores';
import { GENERATED_DOCKERFILE, SITE_ROOT } from '../../scan/dockerfile-template';
import { MULTIPART_PART_SIZE, MULTIPART_THRESHOLD, type SiteFile } from './site-files';

const REF_PREFIX = 's3-artifact:';

/** Where the engine keeps every deployment's site files: `<dataDir>/artifacts/s3`. */
export const siteArtifactsRoot = (dataDir: string): string => join(dataDir, 'artifacts', 's3');

/** What a release records as its imageRef. */
export const artifactRef = (runId: string): string => `${REF_PREFIX}${runId}`;

/** The run whose artifact an imageRef names, or null when it names none. */
export const artifactRunId = (imageRef: string): string | null => (imageRef.startsWith(REF_PREFIX) ? imageRef.slice(REF_PREFIX.length) : null);

export interface SiteArtifact {
  readonly runId: string;
  /** The folder holding the files, by their paths. */
  readonly filesDir: string;
  /** Sorted by path. */
  readonly files: readonly SiteFile[];
  readonly bytes: number;
}

/** What a project's release artifacts take on disk (the Disk panel). */
export interface ArtifactUsage {
  /** Run folders: one per kept release's files. */
  readonly count: number;
  /** The sizes of the regular files in them, the manifests included. */
  readonly bytes: number;
}

interface Manifest {
  readonly version: 1;
  readonly files: readonly SiteFile[];
}

const MANIFEST = 'manifest.json';
const HASH_CONCURRENCY = 16;

/** The ETag S3 gives the file's bytes (site-files.ts expectedEtag), read in a stream. */
async function fileEtag(path: string, size: number): Promise<string> {
  if (size < MULTIPART_THRESHOLD) {
    const hash = createHash('md5');
    await pipeline(createReadStream(path), hash);
    return hash.digest('hex');
  }
  const digests: Buffer[] = [];
  let part = createHash('md5');
  let inPart = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(chunk.length - offset, MULTIPART_PART_SIZE - inPart);
      part.update(chunk.subarray(offset, offset + take));
      inPart += take;
      offset += take;
      if (inPart === MULTIPART_PART_SIZE) {
        digests.push(part.digest());
        part = createHash('md5');
        inPart = 0;
      }
    }
  }
  if (inPart > 0) digests.push(part.digest());
  return `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}`;
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const rejected = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/** Every regular file under `dir`, as '/'-separated paths, following symlinks (a site serves what they point at). */
async function listFiles(dir: string, ignored: (path: string) => boolean = () => false): Promise<string[]> {
  const found: string[] = [];
  const walk = async (relative: string, depth: number): Promise<void> => {
    if (depth > 64) throw new Error(`${join(dir, relative)} is nested more than 64 folders deep (a symlink loop?)`);
    const entries = await readdir(join(dir, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (ignored(path)) continue;
      const kind = entry.isSymbolicLink() ? await stat(join(dir, path)).catch(() => null) : entry;
      if (kind === null) continue; // a dangling symlink: nothing to serve
      if (kind.isDirectory()) await walk(path, depth + 1);
      else if (kind.isFile()) found.push(path);
    }
  };
  await walk('', 0);
  return found.sort();
}

/** `fallback` when the path went away meanwhile (retention or a project's deletion removes artifacts while they are measured). */
const unlessGone =
  <T>(fallback: T) =>
  (error: unknown): T => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fallback;
    throw error;
  };

/**
 * The bytes of the regular files under `dir`. Symlinks are not followed: an image's site can hold links to
 * anywhere (a `static_build` artifact is extracted as the image has it), and what they point at is not Berth's.
 */
async function regularFileBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(unlessGone([]));
  const sizes = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return regularFileBytes(path);
      if (!entry.isFile()) return 0;
      const stats = await lstat(path).catch(unlessGone(null));
      return stats?.isFile() ? stats.size : 0;
    }),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

export class SiteArtifacts {
  /** `root`: `<dataDir>/artifacts/s3`. */
  constructor(readonly root: string) {}

  dir(deploymentId: string, runId: string): string {
    return join(this.root, deploymentId, runId);
  }

  /** A `static` site: the project folder's files, minus what the build context leaves out. */
  async fromFolder(scan: ScanRecord, deploymentId: string, runId: string): Promise<SiteArtifact> {
    const source = scan.sourceDir;
    const dockerignore = await readFile(join(source, DOCKERIGNORE), 'utf8').catch(() => null);
    const ignores = buildContextIgnores(scan, dockerignore);
    const ignored = contextFilter(ignores.patterns, (path) => statSync(join(source, path)).isDirectory(), [GENERATED_DOCKERFILE, DOCKERIGNORE]);
    const paths = await listFiles(source, ignored);
    const filesDir = await this.freshFilesDir(deploymentId, runId);
    await eachLimited(paths, HASH_CONCURRENCY, async (path) => {
      await mkdir(join(filesDir, path, '..'), { recursive: true });
      await copyFile(join(source, path), join(filesDir, path));
    });
    return this.seal(deploymentId, runId);
  }

  /** A `static_build` site: SITE_ROOT of the built image, copied out through a created (never started) container. */
  async fromImage(docker: Dockerode, image: string, deploymentId: string, runId: string): Promise<SiteArtifact> {
    const filesDir = await this.freshFilesDir(deploymentId, runId);
    const container = await withDockerTimeout(docker.createContainer({ Image: image, Labels: { 'berth.managed': 'true', 'berth.purpose': 's3-artifact' } }), 'a container create');
    try {
      const archive = (await container.getArchive({ path: SITE_ROOT })) as NodeJS.ReadableStream;
      // The archive's entries are `www/…`: drop the folder's own name.
      await pipeline(archive, tarFs.extract(filesDir, { strip: 1, dmode: 0o700, fmode: 0o600 }));
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
    return this.seal(deploymentId, runId);
  }

  async read(deploymentId: string, runId: string): Promise<SiteArtifact | null> {
    const dir = this.dir(deploymentId, runId);
    try {
      const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
      return { runId, filesDir: join(dir, 'files'), files: manifest.files, bytes: manifest.files.reduce((sum, file) => sum + file.size, 0) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async remove(deploymentId: string, runId: string): Promise<void> {
    await rm(this.dir(deploymentId, runId), { recursive: true, force: true });
  }

  /** Every artifact of the deployment (its project was deleted). */
  async removeAll(deploymentId: string): Promise<void> {
    await rm(join(this.root, deploymentId), { recursive: true, force: true });
  }

  /** The runs that have an artifact for this deployment. */
  async runsWithArtifacts(deploymentId: string): Promise<string[]> {
    try {
      return (await readdir(join(this.root, deploymentId), { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** What the deployments' artifacts take on disk; a deployment with none (or no folder) adds nothing. */
  async usage(deploymentIds: readonly string[]): Promise<ArtifactUsage> {
    let count = 0;
    let bytes = 0;
    for (const deploymentId of deploymentIds) {
      for (const runId of await this.runsWithArtifacts(deploymentId)) {
        count += 1;
        bytes += await regularFileBytes(this.dir(deploymentId, runId));
      }
    }
    return { count, bytes };
  }

  private async freshFilesDir(deploymentId: string, runId: string): Promise<string> {
    const dir = this.dir(deploymentId, runId);
    await rm(dir, { recursive: true, force: true });
    const filesDir = join(dir, 'files');
    await mkdir(filesDir, { recursive: true, mode: 0o700 });
    return filesDir;
  }

  /** Sizes and ETags of what is in the files folder, written as the manifest. */
  private async seal(deploymentId: string, runId: string): Promise<SiteArtifact> {
    const dir = this.dir(deploymentId, runId);
    const filesDir = join(dir, 'files');
    const paths = await listFiles(filesDir);
    const files: SiteFile[] = new Array(paths.length);
    await eachLimited(
      paths.map((path, index) => ({ path, index })),
      HASH_CONCURRENCY,
      async ({ path, index }) => {
        const { size } = await stat(join(filesDir, path));
        files[index] = { path, size, etag: await fileEtag(join(filesDir, path), size) };
      },
    );
    await writeFile(join(dir, MANIFEST), JSON.stringify({ version: 1, files } satisfies Manifest));
    return { runId, filesDir, files, bytes: files.reduce((sum, file) => sum + file.size, 0) };
  }
}
