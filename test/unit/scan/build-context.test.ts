// The build context: a tar of the folder without the ignored paths, with the generated Dockerfile added;
// the project's .dockerignore wins over Berth's defaults; the folder itself is never written.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildContextIgnores } from '../../../electron/engine/scan/build-context-ignores';
import { contextFilter, createBuildContext, createFolderContext } from '../../../electron/engine/scan/build-context';
import { generateDockerfile } from '../../../electron/engine/scan/dockerfile-template';
import { scanProject } from '../../../electron/engine/scan/scan-project';
import { makeTempDir } from '../../support/temp-dir';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The regular files in a tar (directories left out), sorted. */
function tarFiles(archive: Buffer): string[] {
  const listed = spawnSync('tar', ['-tv'], { input: archive, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(listed.stderr);
  return listed.stdout
    .split('\n')
    .filter((line) => line.startsWith('-'))
    .map((line) => line.split(/\s+/).slice(5).join(' '))
    .sort();
}

function tarFile(archive: Buffer, name: string): string {
  return spawnSync('tar', ['-xO', name], { input: archive, encoding: 'utf8' }).stdout;
}

describe('createBuildContext', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  function project(files: Record<string, string>): string {
    const temp = makeTempDir('berth-context-');
    cleanups.push(temp.cleanup);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(temp.dir, path)), { recursive: true });
      writeFileSync(join(temp.dir, path), text);
    }
    return temp.dir;
  }

  async function context(dir: string): Promise<{ files: string[]; archive: Buffer; dockerfile: string; source: string }> {
    const scan = await scanProject(dir);
    const dockerfile = generateDockerfile(scan).text;
    const built = await createBuildContext(scan, dockerfile);
    const archive = await collect(built.stream);
    return { files: tarFiles(archive), archive, dockerfile, source: built.ignores.source };
  }

  const NODE_APP = {
    'package.json': JSON.stringify({ scripts: { start: 'node server.js' } }),
    'package-lock.json': '{}',
    'server.js': 'require("http").createServer().listen(process.env.PORT)',
    'lib/util.js': '',
  };

  it("leaves out dependencies, VCS data, virtualenvs (any name), caches and .env, and adds Dockerfile.berth (replacing a stray one)", async () => {
    const dir = project({
      ...NODE_APP,
      'Dockerfile.berth': 'FROM stale',
      'node_modules/express/index.js': '',
      'lib/node_modules/x/index.js': '',
      '.git/HEAD': 'ref',
      '.venv/bin/python': '',
      'env/pyvenv.cfg': 'home = /usr/bin',
      'env/lib/site.py': '',
      'tools/__pycache__/a.cpython-311.pyc': '',
      '.env': 'SECRET=1',
      'dist/main.js': 'committed build output stays when nothing rebuilds it',
    });
    const { files, archive, dockerfile, source } = await context(dir);
    expect(source).toBe('defaults');
    expect(files).toEqual(['.dockerignore', 'Dockerfile.berth', 'dist/main.js', 'lib/util.js', 'package-lock.json', 'package.json', 'server.js']);
    expect(tarFile(archive, 'Dockerfile.berth')).toBe(dockerfile);
    // The daemon reads the context's .dockerignore to leave the Dockerfile and itself out of COPY.
    expect(tarFile(archive, '.dockerignore').split('\n')).toEqual(expect.arrayContaining(['Dockerfile.berth', '.dockerignore', '**/node_modules']));
  });

  it('leaves out the output dir of a static build, which the build writes afresh', async () => {
    const dir = project({ 'package.json': JSON.stringify({ scripts: { build: 'vite build' } }), 'index.html': '', 'dist/old.js': '' });
    expect((await context(dir)).files).toEqual(['.dockerignore', 'Dockerfile.berth', 'index.html', 'package.json']);
  });

  it("uses the project's .dockerignore instead of the defaults, exceptions included", async () => {
    const dir = project({ ...NODE_APP, '.dockerignore': '# ours\nsecret.txt\nnode_modules\n!node_modules/keep.js\n', 'secret.txt': '', 'node_modules/keep.js': '', 'node_modules/drop.js': '', '.env': '' });
    const { files, source, archive } = await context(dir);
    expect(source).toBe('.dockerignore');
    expect(files).toEqual(['.dockerignore', '.env', 'Dockerfile.berth', 'lib/util.js', 'node_modules/keep.js', 'package-lock.json', 'package.json', 'server.js']);
    // The project's .dockerignore is replaced by one that also names the generated Dockerfile.
    expect(tarFile(archive, '.dockerignore').split('\n')).toEqual(expect.arrayContaining(['Dockerfile.berth', '.dockerignore', 'secret.txt', '!node_modules/keep.js']));
  });

  it('does not write into the folder', async () => {
    const dir = project({ ...NODE_APP, 'node_modules/x/index.js': '' });
    const snapshot = (): string[] => readdirSync(dir, { recursive: true }).map((path) => `${path} ${statSync(join(dir, String(path))).mtimeMs}`).sort();
    const before = snapshot();
    await context(dir);
    expect(snapshot()).toEqual(before);
  });
});

describe('createFolderContext (a project with its own Dockerfile)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('applies the .dockerignore at any depth, and always sends the Dockerfile and the .dockerignore, as the docker CLI does', async () => {
    const temp = makeTempDir('berth-folder-context-');
    cleanups.push(temp.cleanup);
    const files: Record<string, string> = {
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': 'Dockerfile\n.dockerignore\n**/node_modules\nsecret.txt\n',
      'app.js': '',
      'secret.txt': '',
      'node_modules/a/index.js': '',
      'lib/node_modules/b/index.js': '',
      'lib/util.js': '',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(temp.dir, path)), { recursive: true });
      writeFileSync(join(temp.dir, path), text);
    }
    const prepared = await createFolderContext(temp.dir);
    expect(prepared.dockerfile).toBe('Dockerfile');
    expect(tarFiles(await collect(prepared.stream))).toEqual(['.dockerignore', 'Dockerfile', 'app.js', 'lib/util.js']);
  });
});

describe('buildContextIgnores / contextFilter', () => {
  it('prunes an ignored directory unless an exception may reach inside it', () => {
    const asked: string[] = [];
    const filter = contextFilter(['node_modules', '!node_modules/keep.js', 'build'], (path) => {
      asked.push(path);
      return true;
    });
    expect(filter('node_modules')).toBe(false);
    expect(filter('build')).toBe(true);
    expect(filter('src')).toBe(false);
    expect(asked).toEqual(['node_modules']);
  });

  it('reads .dockerignore lines as Docker does (comments and blank lines dropped)', () => {
    const scan = { skippedDirectories: [], buildCommand: null, outputDir: null } as unknown as Parameters<typeof buildContextIgnores>[0];
    expect(buildContextIgnores(scan, '# comment\n\n  *.log  \n')).toMatchObject({ patterns: ['*.log'], source: '.dockerignore' });
  });
});
