import { describe, expect, it } from 'vitest';
import type { Project, ScanRecord } from '../../../shared';
import {
  buildSettingsOf,
  defaultAwsTarget,
  detectedPlaceholders,
  emptyForm,
  formFromProject,
  formToInput,
  newEnvRow,
  scannableFolder,
  type ProjectFormState,
} from '../../../renderer/src/projects/project-form-model';

const valid: ProjectFormState = { ...emptyForm(), name: 'Demo', sourceDir: '/srv/demo' };

function project(overrides: Partial<Project['settings']> = {}): Project {
  return {
    id: 'prj_1',
    name: 'Demo',
    slug: 'demo',
    sourceDir: '/srv/demo',
    target: 'docker',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    settings: {
      port: 3000,
      healthPath: '/health',
      env: [
        { name: 'PLAIN', value: 'shown', secret: false },
        { name: 'TOKEN', value: null, secret: true },
      ],
      memoryLimitMb: 512,
      restartPolicy: 'always',
      keepCrashedContainers: false,
      verifyTimeoutMs: 5000,
      muteNotifications: true,
      ...overrides,
    },
  };
}

describe('formToInput', () => {
  it('builds a create body with numbers parsed and empty env rows dropped', () => {
    const result = formToInput({ ...valid, port: ' 3000 ', hostPort: '18080', env: [newEnvRow({ name: 'A', value: '1' }), newEnvRow()] });
    expect(result).toEqual({
      ok: true,
      input: expect.objectContaining({
        name: 'Demo',
        sourceDir: '/srv/demo',
        target: 'docker',
        settings: expect.objectContaining({ port: 3000, hostPort: 18080, env: [{ name: 'A', value: '1', secret: false }] }),
      }),
    });
  });

  it('keepReleases (image retention): empty leaves the default, a number is sent, 0 or a fraction is refused on its field', () => {
    const sent = (form: ProjectFormState) => {
      const result = formToInput(form);
      return result.ok ? result.input.settings : result.errors;
    };
    expect(sent(valid)).not.toHaveProperty('keepReleases');
    expect(sent({ ...valid, keepReleases: ' 8 ' })).toMatchObject({ keepReleases: 8 });
    expect(sent({ ...valid, keepReleases: '0' })).toHaveProperty(['settings.keepReleases']);
    expect(sent({ ...valid, keepReleases: '2.5' })).toHaveProperty(['settings.keepReleases']);
    expect(formFromProject(project({ keepReleases: 3 })).keepReleases).toBe('3');
    expect(formFromProject(project()).keepReleases).toBe('');
  });

  it('names the field of every mistake the way the engine names it', () => {
    const result = formToInput({
      ...valid,
      name: '  ',
      sourceDir: 'relative/dir',
      port: '80x',
      healthPath: 'health',
      env: [newEnvRow({ name: '1BAD', value: 'x' })],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors['settings.port']).toBe('must be a whole number');
    expect(result.errors['sourceDir']).toBe('must be an absolute path');
    expect(result.errors['name']).toBe('must not be empty');
    expect(result.errors['settings.healthPath']).toBe('must start with "/"');
    expect(result.errors['settings.env.0.name']).toBe('must be a valid environment variable name');
  });

  it('rejects a port out of range', () => {
    const result = formToInput({ ...valid, port: '70000' });
    expect(result.ok ? null : Object.keys(result.errors)).toEqual(['settings.port']);
  });

  it('sends the ECS block only for the ecs target, and checks its URL', () => {
    const ecs = { ...valid.ecs, region: 'eu-west-1', cluster: 'c1', cpu: '256', publicUrl: 'not a url' };
    const docker = formToInput({ ...valid, target: 'docker', ecs });
    expect(docker.ok && 'ecs' in docker.input.settings!).toBe(false);
    const bad = formToInput({ ...valid, target: 'ecs', ecs });
    expect(bad.ok ? [] : Object.keys(bad.errors)).toEqual(['settings.ecs.publicUrl']);
    const good = formToInput({ ...valid, target: 'ecs', ecs: { ...ecs, publicUrl: 'https://app.example.com' } });
    expect(good).toMatchObject({ ok: true, input: { settings: { ecs: { region: 'eu-west-1', cluster: 'c1', cpu: 256, publicUrl: 'https://app.example.com' } } } });
  });
});

describe('editing a project', () => {
  it('never puts a stored secret value into the form', () => {
    const form = formFromProject(project());
    expect(form.env.map((row) => ({ name: row.name, value: row.value, storedSecret: row.storedSecret }))).toEqual([
      { name: 'PLAIN', value: 'shown', storedSecret: false },
      { name: 'TOKEN', value: '', storedSecret: true },
    ]);
  });

  it('keeps settings the form does not show, and sends an untouched secret empty so the engine keeps it', () => {
    const base = project();
    const result = formToInput({ ...formFromProject(base), name: 'Renamed' }, base);
    expect(result).toMatchObject({
      ok: true,
      input: {
        name: 'Renamed',
        settings: {
          port: 3000,
          memoryLimitMb: 512,
          restartPolicy: 'always',
          verifyTimeoutMs: 5000,
          muteNotifications: true,
          env: [
            { name: 'PLAIN', value: 'shown', secret: false },
            { name: 'TOKEN', value: '', secret: true },
          ],
        },
      },
    });
  });

  it('keeps ECS settings that have no input (executionRoleArn) while taking the shown ones from the form', () => {
    const base = { ...project({ ecs: { region: 'us-east-1', executionRoleArn: 'arn:aws:iam::1:role/x' } }), target: 'ecs' as const };
    const form = formFromProject(base);
    const result = formToInput({ ...form, ecs: { ...form.ecs, region: 'eu-central-1' } }, base);
    expect(result).toMatchObject({ ok: true, input: { settings: { ecs: { region: 'eu-central-1', executionRoleArn: 'arn:aws:iam::1:role/x' } } } });
  });

  it('refuses to turn a stored secret into a plain variable without a value', () => {
    const base = project();
    const form = formFromProject(base);
    const unsecret = { ...form, env: form.env.map((row) => (row.name === 'TOKEN' ? { ...row, secret: false } : row)) };
    const result = formToInput(unsecret, base);
    expect(result.ok ? [] : Object.keys(result.errors)).toEqual(['settings.env.1.value']);
    const typed = { ...form, env: form.env.map((row) => (row.name === 'TOKEN' ? { ...row, secret: false, value: 'now-plain' } : row)) };
    expect(formToInput(typed, base).ok).toBe(true);
  });
});

describe('a zero-config project in the form', () => {
  it('needs only a name and a folder: port, health path and build are left to the scan', () => {
    const result = formToInput(valid);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.input.settings).not.toHaveProperty('port');
    expect(result.input.settings).not.toHaveProperty('healthPath');
    expect(result.input.settings).not.toHaveProperty('build');
  });

  it('sends the build overrides typed, trimmed, and only those', () => {
    const form: ProjectFormState = {
      ...valid,
      build: { buildCommand: '  npm run build:prod ', startCommand: '', outputDir: 'public', runtimeVersion: '' },
      baseImages: { ...valid.baseImages, node: 'node:22-slim', static: ' ' },
    };
    const result = formToInput(form);
    expect(result).toMatchObject({ ok: true, input: { settings: { build: { buildCommand: 'npm run build:prod', outputDir: 'public', baseImages: { node: 'node:22-slim' } } } } });
    expect(buildSettingsOf(form)).toEqual({ buildCommand: 'npm run build:prod', outputDir: 'public', baseImages: { node: 'node:22-slim' } });
    expect(buildSettingsOf(valid)).toBeUndefined();
  });

  it('names the build field of a mistake the way the engine names it', () => {
    const result = formToInput({ ...valid, build: { ...valid.build, outputDir: '../outside' }, baseImages: { ...valid.baseImages, python: 'not an image' } });
    expect(result.ok ? [] : Object.keys(result.errors).sort()).toEqual(['settings.build.baseImages.python', 'settings.build.outputDir']);
  });

  it('edits the stored build block as a whole: emptied fields leave it', () => {
    const base = project({ build: { startCommand: 'node server.js', baseImages: { node: 'node:20-slim' } } });
    const form = formFromProject(base);
    expect(form.build).toEqual({ buildCommand: '', startCommand: 'node server.js', outputDir: '', runtimeVersion: '' });
    expect(form.baseImages.node).toBe('node:20-slim');
    const edited = formToInput({ ...form, build: { ...form.build, startCommand: '' } }, base);
    expect(edited).toMatchObject({ ok: true, input: { settings: { build: { baseImages: { node: 'node:20-slim' } } } } });
    expect(edited.ok && edited.input.settings?.build).not.toHaveProperty('startCommand');
    const cleared = formToInput({ ...form, build: { ...form.build, startCommand: '' }, baseImages: { ...form.baseImages, node: '' } }, base);
    expect(cleared.ok && cleared.input.settings).not.toHaveProperty('build');
  });
});

describe('placeholders from the scan', () => {
  const scan = (overrides: Partial<ScanRecord>): ScanRecord => ({
    sourceDir: '/srv/demo',
    shape: 'server',
    runtime: { name: 'python', version: '3.11', packageManager: 'pip' },
    dependencyFiles: ['requirements.txt'],
    installCommand: 'pip install -r requirements.txt',
    buildCommand: null,
    startCommand: 'gunicorn --bind 0.0.0.0:$PORT app:app',
    outputDir: null,
    port: 8000,
    healthPath: '/healthz',
    dockerfile: null,
    composeFile: null,
    image: null,
    skippedDirectories: [],
    decisions: [],
    refusal: null,
    buildVerification: { status: 'skipped' },
    ...overrides,
  });

  it('show the detected values', () => {
    expect(detectedPlaceholders(scan({}))).toMatchObject({ port: '8000', healthPath: '/healthz', startCommand: 'gunicorn --bind 0.0.0.0:$PORT app:app', buildCommand: 'none', runtimeVersion: '3.11', python: 'engine default' });
  });

  it('say what is checked without a health route, and what serves a static build', () => {
    const site = detectedPlaceholders(scan({ shape: 'static_build', runtime: { name: 'node', version: 'lts', packageManager: 'npm' }, buildCommand: 'npm run build', startCommand: null, outputDir: 'dist', port: 8080, healthPath: null }));
    expect(site).toMatchObject({ port: '8080', healthPath: 'none: checks that it answers HTTP', buildCommand: 'npm run build', outputDir: 'dist', startCommand: 'none (static files)', runtimeVersion: 'lts' });
  });

  it('show the health check a deploy makes when the field stays empty, by the rule the targets use', () => {
    const own = detectedPlaceholders(scan({ shape: 'existing_docker', runtime: null, startCommand: null, healthPath: null, dockerfile: 'Dockerfile' }));
    // While a Dockerfile project with no known route is checked on /health (shared/effective-settings.ts).
    expect(own.healthPath).toBe('/health');
    expect(detectedPlaceholders(scan({ shape: 'static', runtime: null, startCommand: null, healthPath: null })).healthPath).toBe('none: checks that it answers HTTP');
  });

  it('show the base images the generated Dockerfile uses, but not an override as if it were detected', () => {
    const placeholders = detectedPlaceholders(scan({}), [
      { role: 'node', image: 'node:lts-slim', source: 'default', evidence: '' },
      { role: 'static', image: 'berth-test/runtime-static:1', source: 'env', evidence: '' },
      { role: 'python', image: 'mine:1', source: 'override', evidence: '' },
    ]);
    expect(placeholders).toMatchObject({ node: 'node:lts-slim', static: 'berth-test/runtime-static:1', python: 'engine default', go: 'engine default' });
  });

  it('say where values come from before a scan, or when the scan found nothing to deploy', () => {
    const refused = scan({ shape: null, runtime: null, startCommand: null, refusal: { code: 'PROJECT_SHAPE_UNSUPPORTED', message: 'm', found: [], add: 'a' } });
    for (const placeholders of [detectedPlaceholders(null), detectedPlaceholders(refused)]) {
      expect(placeholders).toMatchObject({ port: '8080', healthPath: 'detected from the folder', startCommand: 'detected from the folder' });
    }
  });

  it('scan only a path the engine would accept', () => {
    expect(scannableFolder('  /srv/demo ')).toBe('/srv/demo');
    expect(scannableFolder('srv/demo')).toBeNull();
    expect(scannableFolder('')).toBeNull();
  });
});

describe('an S3 project in the form', () => {
  const scan = (shape: ScanRecord['shape'], startCommand: string | null = null) => ({ shape, startCommand }) as ScanRecord;

  it('the AWS choice defaults to S3 for a site (static, or a build with no start command) and to ECS otherwise', () => {
    expect(defaultAwsTarget(scan('static'))).toBe('s3');
    expect(defaultAwsTarget(scan('static_build'))).toBe('s3');
    expect(defaultAwsTarget(scan('static_build', 'npm run preview'))).toBe('ecs');
    expect(defaultAwsTarget(scan('server', 'node server.js'))).toBe('ecs');
    expect(defaultAwsTarget(scan(null))).toBe('ecs');
    expect(defaultAwsTarget(null)).toBe('ecs');
  });

  it('sends the S3 block (website from the index document, createBucket when ticked) and checks the bucket with the engine’s schema', () => {
    const s3 = { ...emptyForm().s3, bucket: 'my-site', prefix: 'blog/', indexDocument: 'index.html', errorDocument: '404.html' };
    const result = formToInput({ ...valid, target: 's3', s3, s3CreateBucket: true });
    expect(result.ok && result.input.settings?.s3).toEqual({ bucket: 'my-site', prefix: 'blog/', website: { indexDocument: 'index.html', errorDocument: '404.html' }, createBucket: true });
    const bad = formToInput({ ...valid, target: 's3', s3: { ...s3, bucket: 'My_Site' } });
    expect(bad.ok ? {} : bad.errors).toMatchObject({ 'settings.s3.bucket': expect.stringMatching(/must be an S3 bucket name/) });
    const orphan = formToInput({ ...valid, target: 's3', s3: { ...s3, indexDocument: '' } });
    expect(orphan.ok ? {} : orphan.errors).toMatchObject({ 'settings.s3.website.indexDocument': expect.stringMatching(/set the index document too/) });
  });

  it('reads a stored S3 block back into the form, and keeps it when the project moves to another target', () => {
    const stored = { ...project({ s3: { bucket: 'bk1', prefix: 'p/', website: { indexDocument: 'index.html' } } }), target: 's3' as const };
    const form = formFromProject(stored);
    expect(form.s3).toMatchObject({ bucket: 'bk1', prefix: 'p/', indexDocument: 'index.html', errorDocument: '' });
    expect(form.awsServiceChosen).toBe(true);
    const moved = formToInput({ ...form, target: 'docker' }, stored);
    expect(moved.ok ? moved.input.settings?.s3 : moved.errors).toEqual({ bucket: 'bk1', prefix: 'p/', website: { indexDocument: 'index.html' } });
  });
});
