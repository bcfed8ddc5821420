import { describe, expect, it } from 'vitest';
import type { Project } from '../../../shared';
import { emptyForm, formFromProject, formToInput, newEnvRow, type ProjectFormState } from '../../../renderer/src/projects/project-form-model';

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
