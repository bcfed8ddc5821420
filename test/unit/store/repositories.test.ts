import { describe, expect, it } from 'vitest';
import { projectSettingsSchema, type Failure } from '../../../shared';
import { slugify, toProjectView } from '../../../electron/engine/store/projects';
import { Store } from '../../../electron/engine/store/store';

const settings = projectSettingsSchema.parse({ env: [{ name: 'SECRET', value: 'abc123', secret: true }] });

function fixture() {
  const store = Store.open(':memory:');
  const project = store.projects.create({ name: 'My App', sourceDir: '/src', target: 'docker', settings });
  const deployment = store.deployments.create(project.id, 'docker');
  return { store, project, deployment };
}

describe('store repositories', () => {
  it('gives projects unique slugs and finds them by id, slug or name', () => {
    const { store, project } = fixture();
    const twin = store.projects.create({ name: 'My App', sourceDir: '/src2', target: 'docker', settings });
    expect(project.slug).toBe('my-app');
    expect(twin.slug).toBe('my-app-2');
    expect(store.projects.find('my-app')?.id).toBe(project.id);
    expect(store.projects.find(project.id)?.id).toBe(project.id);
    expect(store.projects.find('My App')?.id).toBe(project.id);
    expect(slugify('  Ünïcode & Spaces!! ')).toBe('unicode-spaces');
    expect(slugify('***')).toBe('project');
  });

  it('hides secret env values in the transport view', () => {
    const { project } = fixture();
    expect(toProjectView(project).settings.env).toEqual([{ name: 'SECRET', value: null, secret: true }]);
  });

  it('keeps one deployment per project and target', () => {
    const { store, project } = fixture();
    expect(() => store.deployments.create(project.id, 'docker')).toThrow(/UNIQUE/);
    expect(store.deployments.forProjectTarget(project.id, 'docker')).toBeDefined();
    expect(store.deployments.forProjectTarget(project.id, 'ecs')).toBeUndefined();
  });

  it('updates only the deployment fields given and reports the last lineNo', () => {
    const { store, deployment } = fixture();
    store.deployments.update(deployment.id, { status: 'running', hostPort: 4242, containerId: 'abc' });
    store.deployments.update(deployment.id, { containerId: null });
    const after = store.deployments.get(deployment.id)!;
    expect(after).toMatchObject({ status: 'running', hostPort: 4242, containerId: null, projectName: 'My App', slug: 'my-app', lastLineNo: 0 });
    store.logLines.insertMany([{ deploymentId: deployment.id, lineNo: 1, ts: 1, stream: 'stdout', source: 'runtime', runId: null, step: null, text: 'hi', cut: false }]);
    expect(store.deployments.get(deployment.id)!.lastLineNo).toBe(1);
  });

  it('lists runs newest first, tracks the active run, and stamps step durations', () => {
    const { store, project, deployment } = fixture();
    const first = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: ['detect', 'build', 'done'] });
    store.runs.update(first.id, { status: 'completed', startedAt: 1000, finishedAt: 5000 });
    const second = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'redeploy', steps: ['detect', 'build', 'done'] });
    store.runs.update(second.id, { status: 'in_progress', startedAt: 6000 });
    store.runs.updateStep(second.id, 'detect', { status: 'success', startedAt: 6000, finishedAt: 6250, firstLineNo: 3, lastLineNo: 4 });
    store.runs.updateStep(second.id, 'detect', { firstLineNo: 9 }); // the first line is kept

    expect(store.runs.listForProject(project.id).map((run) => run.id)).toEqual([second.id, first.id]);
    expect(store.runs.get(first.id)!.durationMs).toBe(4000);
    expect(store.runs.activeForDeployment(deployment.id)?.id).toBe(second.id);
    const detect = store.runs.getDetail(second.id)!.steps[0]!;
    expect(detect).toMatchObject({ name: 'detect', status: 'success', durationMs: 250, firstLineNo: 3, lastLineNo: 4 });
  });

  it('inserts a rollback step before done', () => {
    const { store, project, deployment } = fixture();
    const run = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: ['detect', 'verify', 'done'] });
    store.runs.insertStep(run.id, 'rollback', 'done');
    expect(store.runs.steps(run.id).map((step) => step.name)).toEqual(['detect', 'verify', 'rollback', 'done']);
  });

  it('stores failures and reads them back validated', () => {
    const { store, project, deployment } = fixture();
    const run = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: ['build'] });
    const failure: Failure = {
      stage: 'build',
      category: 'build_failure',
      code: 'DOCKER_IMAGE_BUILD_FAILED',
      retryable: false,
      summary: 'Docker image build failed',
      likelyCause: 'RUN exited 1',
      evidence: { lineNo: 7, line: "The command '/bin/sh -c false' returned a non-zero code: 1", context: [] },
    };
    store.runs.update(run.id, { status: 'failed', failure });
    expect(store.runs.get(run.id)!.failure).toEqual(failure);
  });

  it('marks the current release and finds the previous one for rollback', () => {
    const { store, project, deployment } = fixture();
    const run = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: ['done'] });
    const older = store.releases.create({ deploymentId: deployment.id, runId: run.id, imageRef: 'app:1' }, 1000);
    const newer = store.releases.create({ deploymentId: deployment.id, runId: run.id, imageRef: 'app:2' }, 2000);
    store.deployments.update(deployment.id, { currentReleaseId: newer.id });
    expect(store.releases.listForProject(project.id).map((release) => [release.imageRef, release.current])).toEqual([
      ['app:2', true],
      ['app:1', false],
    ]);
    expect(store.releases.previous(deployment.id)?.id).toBe(older.id);
  });

  it('cascades a project delete to its deployments and runs', () => {
    const { store, project, deployment } = fixture();
    store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: ['done'] });
    store.projects.delete(project.id);
    expect(store.deployments.get(deployment.id)).toBeUndefined();
    expect(store.runs.listForProject(project.id)).toEqual([]);
  });
});
