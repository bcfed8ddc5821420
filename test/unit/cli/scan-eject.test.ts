// `berth scan`, `berth projects add <dir>` with only the folder and the build overrides, and `berth eject`,
// run as real processes against a real `berth serve`. Nothing is deployed; eject writes only into a temp copy.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project, ScanRecord } from '../../../shared';
import { runBerth, startServeProcess, type ServeProcess } from '../../support/berth-process';
import { makeTempDir } from '../../support/temp-dir';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/zero-config/${name}`, import.meta.url));

describe('berth scan, projects add <dir> and eject', () => {
  const temp = makeTempDir('berth-cli-scan-');
  const dataDir = join(temp.dir, 'data');
  let serve: ServeProcess;
  let token: string;

  const api = async <T,>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${serve.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
    return { status: response.status, body: (await response.json()) as T };
  };
  const add = (args: readonly string[]): Project => {
    const added = runBerth(['projects', 'add', ...args, '--json'], dataDir);
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    return JSON.parse(added.stdout) as Project;
  };

  beforeAll(async () => {
    serve = await startServeProcess(dataDir);
    token = (JSON.parse(readFileSync(join(dataDir, 'api.json'), 'utf8')) as { token: string }).token;
  }, 90_000);
  afterAll(async () => {
    await serve.stop();
    temp.cleanup();
  });

  it('berth scan <dir> --json and GET /api/projects/:id/scan return the same record for the same folder', async () => {
    const dir = fixture('flask-gunicorn');
    const scanned = runBerth(['scan', dir, '--json'], dataDir);
    expect(scanned.stderr).toBe('');
    expect(scanned.status).toBe(0);
    const local = JSON.parse(scanned.stdout) as ScanRecord;
    expect(local).toMatchObject({ sourceDir: dir, shape: 'server', runtime: { name: 'python' } });

    const project = add([dir, '--name', 'scan-same']);
    const remote = await api<ScanRecord>(`/api/projects/${project.id}/scan`);
    expect(remote.status).toBe(200);
    expect(remote.body).toEqual(local);
  });

  it('prints the shape, runtime, commands, port, health route and every decision with its evidence', () => {
    const scanned = runBerth(['scan', fixture('flask-gunicorn')], dataDir);
    expect(scanned.status).toBe(0);
    expect(scanned.stdout).toMatch(/^Shape: +server · Python 3\.11 · gunicorn --bind 0\.0\.0\.0:\$PORT app:app$/m);
    expect(scanned.stdout).toMatch(/^Runtime: +Python 3\.11 \(pip\)$/m);
    expect(scanned.stdout).toMatch(/^Install: +pip install .*requirements\.txt$/m);
    expect(scanned.stdout).toMatch(/^Port: +8080 /m);
    expect(scanned.stdout).toMatch(/^Health: +GET \/healthz, 2xx–3xx$/m);
    expect(scanned.stdout).toMatch(/^ +start +`requirements\.txt` lists gunicorn/m);
    expect(scanned.stdout).toMatch(/^ +healthPath +`app\.py:\d+` defines `\/healthz`/m);

    const site = runBerth(['scan', fixture('static-site')], dataDir);
    expect(site.stdout).toMatch(/^Shape: +static · files served as they are$/m);
    expect(site.stdout).toMatch(/^Health: +answers HTTP on \/ \(no health route\)$/m);
  });

  it('exits 1 with what was found and what to add when Berth cannot deploy the folder, and 2 when there is no folder', () => {
    const refused = runBerth(['scan', fixture('node-no-start')], dataDir);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/cannot deploy this folder as it is \(PROJECT_SHAPE_UNSUPPORTED\)/);
    expect(refused.stdout).toMatch(/Add a start script to package\.json/);
    const refusedJson = runBerth(['scan', fixture('node-no-start'), '--json'], dataDir);
    expect(refusedJson.status).toBe(1);
    expect(JSON.parse(refusedJson.stdout)).toMatchObject({ shape: null, refusal: { code: 'PROJECT_SHAPE_UNSUPPORTED' } });

    const missing = runBerth(['scan', join(temp.dir, 'nothing-here')], dataDir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/There is no folder at .*nothing-here\. Give the path of the project's folder/);
    expect(runBerth(['scan'], dataDir).status).toBe(2);
  });

  it('adds a project from the folder alone, names it after the folder and says what it detected', () => {
    const dir = join(temp.dir, 'my-site');
    cpSync(fixture('static-site'), dir, { recursive: true });
    const added = runBerth(['projects', 'add', dir], dataDir);
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    expect(added.stdout).toMatch(/^Added my-site \(my-site, docker\) from .*my-site\./m);
    expect(added.stdout).toMatch(/^Detected: static · files served as they are/m);
    const listed = JSON.parse(runBerth(['ls', '--json'], dataDir).stdout) as Project[];
    const project = listed.find((candidate) => candidate.slug === 'my-site');
    // Port and health route are left to the scan: nothing is stored for them.
    expect(project?.settings).not.toHaveProperty('port');
    expect(project?.settings).not.toHaveProperty('healthPath');
    expect(project?.settings.build).toBeUndefined();
  });

  it('stores the build overrides given as flags, and the scan follows them', async () => {
    const project = add([
      fixture('static-build'),
      '--name',
      'overrides',
      '--build-command',
      'npm run build:site',
      '--output-dir',
      'public',
      '--runtime-version',
      '22',
      '--base-image',
      'node=node:22-slim',
      '--base-image',
      'static=busybox:1.36',
    ]);
    expect(project.settings.build).toEqual({ buildCommand: 'npm run build:site', outputDir: 'public', runtimeVersion: '22', baseImages: { node: 'node:22-slim', static: 'busybox:1.36' } });
    const scan = await api<ScanRecord>(`/api/projects/${project.id}/scan`);
    expect(scan.body).toMatchObject({ buildCommand: 'npm run build:site', outputDir: 'public', runtime: { version: '22' } });
    expect(scan.body.decisions.filter((decision) => decision.source === 'override').map((decision) => decision.topic)).toEqual(expect.arrayContaining(['build', 'outputDir', 'version']));
  });

  it('refuses bad flags before calling the engine, saying what is wrong (exit 2)', () => {
    const dir = fixture('static-site');
    const cases: [string[], RegExp][] = [
      [['--base-image', 'ruby=ruby:3'], /--base-image.*role among node, python, go, goRuntime, static/],
      [['--base-image', 'node='], /--base-image.*node: /],
      [['--base-image', 'node:22-slim'], /--base-image.*<role>=<image>/],
      [['--output-dir', '../elsewhere'], /--output-dir.*inside the project folder/],
      [['--start-command', '  '], /--start-command.*must not be empty/],
      [['--runtime-version', '22 LTS'], /--runtime-version.*version such as/],
      [['--health', 'health'], /--health.*starts with "\/"/],
    ];
    for (const [flags, message] of cases) {
      const result = runBerth(['projects', 'add', dir, '--name', 'never-added', ...flags], dataDir);
      expect({ flags, status: result.status }).toEqual({ flags, status: 2 });
      expect(result.stderr).toMatch(message);
    }
    const listed = JSON.parse(runBerth(['ls', '--json'], dataDir).stdout) as Project[];
    expect(listed.map((project) => project.name)).not.toContain('never-added');
  });

  it('berth eject writes the generated Dockerfile and a .dockerignore, then refuses to overwrite them', () => {
    const dir = join(temp.dir, 'eject-me');
    cpSync(fixture('static-site'), dir, { recursive: true });
    add([dir]);
    const ejected = runBerth(['eject', 'eject-me'], dataDir);
    expect(ejected.stderr).toBe('');
    expect(ejected.status).toBe(0);
    expect(ejected.stdout).toContain(`Wrote ${join(dir, 'Dockerfile')}\n`);
    expect(ejected.stdout).toContain(`Wrote ${join(dir, '.dockerignore')}\n`);
    expect(ejected.stdout).toMatch(/eject-me now builds from its own Dockerfile/);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toMatch(/^FROM /m);
    expect(existsSync(join(dir, '.dockerignore'))).toBe(true);

    const again = runBerth(['eject', 'eject-me'], dataDir);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/builds from Dockerfile already/);
    const scanned = JSON.parse(runBerth(['scan', dir, '--json'], dataDir).stdout) as ScanRecord;
    expect(scanned.shape).toBe('existing_docker');
    // The health line follows the rule deploys use (shared/effective-settings.ts), whatever shape the folder has now.
    expect(runBerth(['scan', dir], dataDir).stdout).toMatch(/^Health: +(GET \/health, 2xx–3xx|answers HTTP on \/ \(no health route\))$/m);
  });

  it('berth eject says what to do when the project is unknown or cannot be ejected', () => {
    const unknown = runBerth(['eject', 'no-such-project'], dataDir);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/no-such-project.*berth ls/);
    add([fixture('node-no-start'), '--name', 'no-start']);
    const refused = runBerth(['eject', 'no-start', '--json'], dataDir);
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'CONFLICT', message: expect.stringMatching(/no generated Dockerfile for "no-start".*Add a start script/) } });
    expect(existsSync(join(fixture('node-no-start'), 'Dockerfile'))).toBe(false);

    const noEngine = makeTempDir('berth-cli-no-engine-');
    const result = runBerth(['eject', 'anything'], noEngine.dir);
    noEngine.cleanup();
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/Start one with `berth serve`/);
  });
});
