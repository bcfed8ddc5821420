// The scan requests over the real HTTP API of an in-process engine: getProjectScan, scanFolder,
// getProjectDockerfile and ejectProject. Fixtures are only read; eject writes into temp copies.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedDockerfile } from '../../../shared/generated-dockerfile';
import type { Project, ProjectCreate, ScanRecord } from '../../../shared';
import { scanProject } from '../../../electron/engine/scan/scan-project';
import { effectiveHealthCheck } from '../../../shared/effective-settings';
import { startTestHost, type TestHost } from '../../support/host';
import { makeTempDir } from '../../support/temp-dir';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/zero-config/${name}`, import.meta.url));
type ErrorBody = { error: { code: string; message: string; field?: string } };

describe('scan requests over HTTP', () => {
  const temp = makeTempDir('berth-scan-api-');
  let host: TestHost;
  let copies = 0;

  /** A private copy of a fixture, for the requests that write. */
  const copyOf = (name: string): string => {
    copies += 1;
    const dir = join(temp.dir, `${name}-${copies}`);
    cpSync(fixture(name), dir, { recursive: true });
    return dir;
  };
  const create = async (body: ProjectCreate): Promise<Project> => {
    const created = await host.json<Project>('/api/projects', { method: 'POST', body: JSON.stringify(body) });
    expect(created.status).toBe(200);
    return created.body;
  };
  const post = <T,>(path: string, body?: unknown) => host.json<T>(path, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.stop();
    temp.cleanup();
  });

  describe('getProjectScan', () => {
    it("returns the scan of the project's folder, as the scan module makes it", async () => {
      const project = await create({ name: 'flask', sourceDir: fixture('flask-gunicorn') });
      const scanned = await host.json<ScanRecord>(`/api/projects/${project.id}/scan`);
      expect(scanned.status).toBe(200);
      expect(scanned.body).toEqual(await scanProject(fixture('flask-gunicorn')));
      expect(scanned.body).toMatchObject({ shape: 'server', runtime: { name: 'python', version: '3.11' }, healthPath: '/healthz' });
      // By slug too, like every project request.
      expect((await host.json<ScanRecord>('/api/projects/flask/scan')).body).toEqual(scanned.body);
    });

    it("applies the project's build settings, each decision saying it was an override", async () => {
      const project = await create({ name: 'overridden', sourceDir: fixture('flask-gunicorn'), settings: { build: { startCommand: 'gunicorn -w 2 --bind 0.0.0.0:$PORT app:app', runtimeVersion: '3.12' } } });
      const { body } = await host.json<ScanRecord>(`/api/projects/${project.id}/scan`);
      expect(body).toMatchObject({ startCommand: 'gunicorn -w 2 --bind 0.0.0.0:$PORT app:app', runtime: { version: '3.12' } });
      expect(body.decisions.find((decision) => decision.topic === 'start' && decision.source === 'override')).toBeDefined();
      expect(body.decisions.find((decision) => decision.topic === 'version' && decision.source === 'override')).toBeDefined();
    });

    it('answers 404 for an unknown project', async () => {
      const missing = await host.json<ErrorBody>('/api/projects/prj_nope/scan');
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('NOT_FOUND');
    });
  });

  describe('scanFolder', () => {
    it('scans a folder that is no project, and writes nothing into it', async () => {
      const dir = copyOf('static-build');
      const before = readdirSync(dir).sort();
      const scanned = await post<ScanRecord>('/api/scan', { sourceDir: dir });
      expect(scanned.status).toBe(200);
      expect(scanned.body).toMatchObject({ sourceDir: dir, shape: 'static_build', buildCommand: 'npm run build', outputDir: 'dist', refusal: null });
      expect(readdirSync(dir).sort()).toEqual(before);
    });

    it('answers a folder Berth cannot deploy, or no folder at all, with the refusal that says what to add', async () => {
      const refused = await post<ScanRecord>('/api/scan', { sourceDir: fixture('node-no-start') });
      expect(refused.status).toBe(200);
      expect(refused.body.refusal).toMatchObject({ code: 'PROJECT_SHAPE_UNSUPPORTED', add: expect.stringMatching(/start script/) });
      const nowhere = await post<ScanRecord>('/api/scan', { sourceDir: join(temp.dir, 'not-there') });
      expect(nowhere.body).toMatchObject({ shape: null, refusal: { message: expect.stringMatching(/found no folder at .*not-there/) } });
    });

    it('refuses a relative path and keys it does not know (400, naming the field)', async () => {
      const relative = await post<ErrorBody>('/api/scan', { sourceDir: 'some/folder' });
      expect(relative.status).toBe(400);
      expect(relative.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'sourceDir' });
      const unknown = await post<ErrorBody>('/api/scan', { sourceDir: fixture('static-site'), deep: true });
      expect(unknown.status).toBe(400);
    });

    it('a misspelt build setting is refused when a project is created, as when it is changed', async () => {
      const created = await post<ErrorBody>('/api/projects', { name: 'misspelt', sourceDir: fixture('static-site'), settings: { build: { startComand: 'npm start' } } });
      expect(created.status).toBe(400);
      expect(created.body.error.field).toMatch(/^settings\.build/);
    });
  });

  describe('getProjectDockerfile', () => {
    it('shows the generated Dockerfile and the base image of each stage with why, writing nothing', async () => {
      const dir = copyOf('static-build');
      const project = await create({ name: 'preview', sourceDir: dir, settings: { build: { baseImages: { static: 'registry.example/httpd:1' } } } });
      const preview = await host.json<GeneratedDockerfile>(`/api/projects/${project.id}/dockerfile`);
      expect(preview.status).toBe(200);
      expect(preview.body.text).toMatch(/^FROM .* AS build$/m);
      expect(preview.body.text).toContain('RUN npm run build');
      expect(preview.body.text).toMatch(/^FROM registry\.example\/httpd:1$/m);
      expect(preview.body.baseImages.map(({ role, source }) => [role, source])).toEqual([
        ['node', expect.stringMatching(/^(default|env)$/)],
        ['static', 'override'],
      ]);
      expect(preview.body.baseImages[1]?.evidence).toMatch(/baseImages\.static/);
      expect(existsSync(join(dir, 'Dockerfile'))).toBe(false);
    });

    it('answers 409 for a project that builds from its own Dockerfile or that Berth cannot deploy', async () => {
      const own = await create({ name: 'own-dockerfile', sourceDir: fixture('dockerfile-and-compose') });
      const conflict = await host.json<ErrorBody>(`/api/projects/${own.id}/dockerfile`);
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.message).toMatch(/no generated Dockerfile for "own-dockerfile"/);
      const noStart = await create({ name: 'no-start-preview', sourceDir: fixture('node-no-start') });
      expect((await host.json<ErrorBody>(`/api/projects/${noStart.id}/dockerfile`)).body.error.message).toMatch(/Add a start script/);
    });
  });

  describe('ejectProject', () => {
    it('writes the previewed Dockerfile and a .dockerignore of what the build leaves out; the project then builds from it', async () => {
      const dir = copyOf('static-site');
      const project = await create({ name: 'eject-site', sourceDir: dir });
      const preview = await host.json<GeneratedDockerfile>(`/api/projects/${project.id}/dockerfile`);
      const ejected = await post<{ written: string[] }>(`/api/projects/${project.id}/eject`);
      expect(ejected).toEqual({ status: 200, body: { written: [join(dir, 'Dockerfile'), join(dir, '.dockerignore')] } });
      expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(preview.body.text);
      const ignores = readFileSync(join(dir, '.dockerignore'), 'utf8');
      expect(ignores).toMatch(/^# Written by Berth/);
      expect(ignores.split('\n')).toEqual(expect.arrayContaining(['Dockerfile', '.dockerignore', '**/.git', '**/node_modules']));
      const after = await host.json<ScanRecord>(`/api/projects/${project.id}/scan`);
      expect(after.body).toMatchObject({ shape: 'existing_docker', dockerfile: 'Dockerfile' });
      // A Dockerfile project defaults to GET /health (2xx–3xx): the check it was deployed with is kept instead.
      const saved = await host.json<Project>(`/api/projects/${project.id}`);
      expect(saved.body.settings).toMatchObject({ port: 8080, healthPath: '/', healthRule: 'any_below_500' });
      expect(effectiveHealthCheck(saved.body.settings, after.body).value).toEqual({ path: '/', rule: 'any_below_500' });
    });

    it("keeps the project's own .dockerignore and does not list it as written", async () => {
      const dir = copyOf('static-site');
      writeFileSync(join(dir, '.dockerignore'), 'drafts/\n');
      const project = await create({ name: 'own-ignores', sourceDir: dir });
      const ejected = await post<{ written: string[] }>(`/api/projects/${project.id}/eject`);
      expect(ejected.body.written).toEqual([join(dir, 'Dockerfile')]);
      expect(readFileSync(join(dir, '.dockerignore'), 'utf8')).toBe('drafts/\n');
    });

    it('refuses to overwrite a Dockerfile, leaving the folder as it was', async () => {
      const dir = copyOf('static-site');
      const project = await create({ name: 'eject-twice', sourceDir: dir });
      expect((await post(`/api/projects/${project.id}/eject`)).status).toBe(200);
      writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
      const again = await post<ErrorBody>(`/api/projects/${project.id}/eject`);
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/builds from Dockerfile already/) });
      expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM scratch\n');
    });

    it('refuses the shapes it does not generate (an own Dockerfile, a compose stack, an image, a refused scan) and writes nothing', async () => {
      const withDockerfile = copyOf('static-site');
      writeFileSync(join(withDockerfile, 'Dockerfile'), 'FROM scratch\n');
      const cases: [string, string, ProjectCreate['settings'], RegExp][] = [
        ['own-dockerfile', withDockerfile, undefined, /it is existing_docker: it builds from Dockerfile already/],
        ['dockerfile-and-compose', copyOf('dockerfile-and-compose'), undefined, /a Compose stack \(compose\.yaml\)/],
        ['compose-stack', copyOf('compose-stack'), undefined, /a Compose stack \(docker-compose\.yml\)/],
        ['image', copyOf('static-site'), { image: 'berth-test/busybox:1' }, /it is prebuilt_image: Berth does not generate its Dockerfile/],
        ['no-start', copyOf('node-no-start'), undefined, /Add a start script/],
      ];
      for (const [name, dir, settings, message] of cases) {
        const before = readdirSync(dir).sort();
        const project = await create({ name: `refused-${name}`, sourceDir: dir, ...(settings ? { settings } : {}) });
        const refused = await post<ErrorBody>(`/api/projects/${project.id}/eject`);
        expect({ name, status: refused.status }).toEqual({ name, status: 409 });
        expect(refused.body.error.message).toMatch(message);
        expect(readdirSync(dir).sort()).toEqual(before);
      }
    });

    it('answers 404 for an unknown project', async () => {
      expect((await post<ErrorBody>('/api/projects/prj_nope/eject')).status).toBe(404);
    });
  });
});
