// What the Disk panel counts for a static site (docs/product-rules.md, "Disk usage"): the run folders of the
// deployments' artifacts and the sizes of the regular files in them, on a real folder laid out as the S3
// target writes it (`<root>/<deploymentId>/<runId>/files/…` and a manifest). Symlinks are not followed, and a
// folder or file removed while it is measured counts as nothing rather than failing the panel.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { siteArtifactsRoot, SiteArtifacts } from '../../../electron/engine/targets/s3/site-artifact';
import { makeTempDir } from '../../support/temp-dir';

// Paths removed just before they are read: retention deleting an artifact while the panel measures it.
const vanishing = vi.hoisted(() => new Set<string>());
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  const vanishFirst = (path: unknown): void => {
    if (typeof path === 'string' && vanishing.delete(path)) rmSync(path, { recursive: true, force: true });
  };
  return {
    ...actual,
    readdir: ((path: string, options: never) => (vanishFirst(path), actual.readdir(path, options))) as typeof actual.readdir,
    lstat: ((path: string) => (vanishFirst(path), actual.lstat(path))) as typeof actual.lstat,
  };
});

/** Writes `size` bytes at `path`, making its folders. */
function file(path: string, size: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'x'.repeat(size));
}

describe('SiteArtifacts.usage', () => {
  const temps: { cleanup(): void }[] = [];
  afterEach(() => {
    vanishing.clear();
    temps.splice(0).forEach((temp) => temp.cleanup());
  });

  /** Two deployments' artifacts under `<dataDir>/artifacts/s3`, and big files outside it that symlinks point at. */
  function layout(): { artifacts: SiteArtifacts; root: string } {
    const temp = makeTempDir('berth-artifact-usage-');
    temps.push(temp);
    const root = siteArtifactsRoot(temp.dir);
    const outside = join(temp.dir, 'elsewhere');
    file(join(outside, 'big.bin'), 10_000);
    file(join(outside, 'dir', 'bigger.bin'), 20_000);
    // dep_a: a release of two files and a manifest, with links (to a file and to a folder) that a
    // `static_build` image can hold; and an empty run folder (a build that stopped before copying).
    file(join(root, 'dep_a', 'run_1', 'manifest.json'), 30);
    file(join(root, 'dep_a', 'run_1', 'files', 'index.html'), 100);
    file(join(root, 'dep_a', 'run_1', 'files', 'assets', 'app.3f9a1c2b.js'), 250);
    symlinkSync(join(outside, 'big.bin'), join(root, 'dep_a', 'run_1', 'files', 'big.bin'));
    symlinkSync(join(outside, 'dir'), join(root, 'dep_a', 'run_1', 'files', 'linked-dir'));
    mkdirSync(join(root, 'dep_a', 'run_2'));
    // dep_b: one release with a deeply nested file; a symlinked "run" and a stray file are no artifacts.
    file(join(root, 'dep_b', 'run_3', 'manifest.json'), 12);
    file(join(root, 'dep_b', 'run_3', 'files', 'a', 'b', 'c', 'deep.txt'), 7);
    symlinkSync(join(outside, 'dir'), join(root, 'dep_b', 'run_link'));
    file(join(root, 'dep_b', 'notes.txt'), 500);
    return { artifacts: new SiteArtifacts(root), root };
  }

  it('counts each run folder as a release and adds up its regular files, manifests included, never through a symlink', async () => {
    const { artifacts } = layout();
    expect(await artifacts.usage(['dep_a'])).toEqual({ count: 2, bytes: 30 + 100 + 250 });
    expect(await artifacts.usage(['dep_b'])).toEqual({ count: 1, bytes: 12 + 7 });
    // A deployment whose folder does not exist (it never built, or its artifacts were removed) adds nothing.
    expect(await artifacts.usage(['dep_a', 'dep_b', 'dep_missing'])).toEqual({ count: 3, bytes: 30 + 100 + 250 + 12 + 7 });
    expect(await artifacts.usage(['dep_missing'])).toEqual({ count: 0, bytes: 0 });
    expect(await artifacts.usage([])).toEqual({ count: 0, bytes: 0 });
  });

  it('counts a run folder removed before it is walked, or a file removed before it is measured, as 0 bytes', async () => {
    const { artifacts, root } = layout();
    vanishing.add(join(root, 'dep_a', 'run_1'));
    vanishing.add(join(root, 'dep_b', 'run_3', 'files', 'a', 'b', 'c', 'deep.txt'));
    expect(await artifacts.usage(['dep_a', 'dep_b'])).toEqual({ count: 3, bytes: 12 });
    expect(vanishing.size).toBe(0);
  });

  it('counts nothing when the whole artifacts folder is missing (no S3 deploy yet)', async () => {
    const temp = makeTempDir('berth-artifact-usage-');
    temps.push(temp);
    expect(await new SiteArtifacts(siteArtifactsRoot(temp.dir)).usage(['dep_a'])).toEqual({ count: 0, bytes: 0 });
  });
});
