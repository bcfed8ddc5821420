// Kill -9 of a real `berth serve` during build and during verify, then a restart: the run is closed
// as RUN_INTERRUPTED, nothing is stuck in progress, no untracked container is left. Also the
// adopt-or-remove rule for labelled containers the engine no longer tracks.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isFinishedRun, type DeployResult, type Deployment, type RunDetail } from '../../../shared';
import { berthLabels } from '../../../electron/engine/docker/labels';
import { makeTempDir } from '../../support/temp-dir';
import { docker, fixtureDir, httpStatus, killHard, labelledContainers, removeProjectImages, serve, startTestEngine, until, writeApp } from './support';

describe('docker pipeline: start-up recovery after kill -9', () => {
  const temps: { cleanup(): void }[] = [];
  const children: ChildProcess[] = [];
  const slugs: string[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) await killHard(child);
  });
  afterAll(async () => {
    await removeProjectImages(slugs);
    temps.forEach((temp) => temp.cleanup());
  });

  const scenario = async (stepName: 'build' | 'verify', sourceDir: string) => {
    const data = makeTempDir('pipeline-recovery-');
    temps.push(data);
    const first = await serve(data.dir);
    children.push(first.child);
    const project = await first.call<{ id: string; slug: string }>('POST', '/api/projects', { name: `pipeline-kill-${stepName}-${randomBytes(3).toString('hex')}`, sourceDir, target: 'docker' });
    slugs.push(project.slug);
    const { run } = await first.call<DeployResult>('POST', `/api/projects/${project.id}/deploy`);
    await until(
      () => first.call<RunDetail>('GET', `/api/runs/${run.id}`),
      (current) => current.steps.some((step) => step.name === stepName && step.status === 'running'),
    );
    if (stepName === 'verify') {
      // The candidate container exists while verify runs: it must not survive the restart.
      await until(() => labelledContainers(run.deploymentId), (list) => list.length > 0);
    }
    await killHard(first.child);

    const second = await serve(data.dir);
    children.push(second.child);
    const after = await second.call<RunDetail>('GET', `/api/runs/${run.id}`);
    expect(after.status).toBe('failed');
    expect(after.failure).toMatchObject({ code: 'RUN_INTERRUPTED', stage: stepName, category: 'infrastructure_failure', retryable: true });
    expect(after.steps.find((step) => step.name === stepName)!.status).toBe('failed');
    expect(after.steps.some((step) => step.status === 'running' || step.status === 'pending')).toBe(false);
    const runs = await second.call<RunDetail[]>('GET', `/api/projects/${project.id}/runs`);
    expect(runs.filter((listed) => ['started', 'in_progress', 'paused'].includes(listed.status))).toEqual([]);
    const deployment = await second.call<Deployment>('GET', `/api/deployments/${run.deploymentId}`);
    expect(deployment.status).toBe('failed');
    expect(await labelledContainers(run.deploymentId)).toEqual([]);

    // Nothing is stuck: a new deploy goes through.
    const again = await second.call<DeployResult>('POST', `/api/projects/${project.id}/deploy`);
    const finished = await until(() => second.call<RunDetail>('GET', `/api/runs/${again.run.id}`), (current) => isFinishedRun(current.status), 120_000);
    expect(finished.status).toBe('completed');
    // The stop answers at once; its SIGTERM → rm sequence then removes every labelled container.
    await second.call('DELETE', `/api/deployments/${run.deploymentId}`);
    expect(await until(() => labelledContainers(run.deploymentId), (list) => list.length === 0)).toEqual([]);
  };

  it('kill -9 during build', async () => {
    const app = makeTempDir('pipeline-kill-build-');
    temps.push(app);
    writeApp(app.dir, { marker: randomBytes(6).toString('hex'), buildSeconds: 4 });
    await scenario('build', app.dir);
  });

  it('kill -9 during verify', async () => {
    await scenario('verify', fixtureDir('slow-start'));
  });
});

describe('docker pipeline: labelled containers the engine does not track', () => {
  it('a running container of the current release is adopted; any other one is removed', async () => {
    const data = makeTempDir('pipeline-adopt-');
    let test = await startTestEngine({ dataDir: data.dir });
    const project = test.project('healthy');
    const run = await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
    const deployment = test.engine.store.deployments.get(run.deploymentId)!;
    const release = test.engine.store.releases.get(run.releaseId!)!;
    const live = deployment.containerId!;
    // An extra labelled container nobody tracks (say, a candidate from an interrupted run).
    const stray = await docker.createContainer({ name: `berth-${deployment.id}-next`, Image: release.imageId!, Labels: berthLabels(deployment.id, project.id) });
    // The engine "forgets" the live container, as if it died between starting it and saving the row.
    test.engine.monitor.unwatch(deployment.id);
    test.engine.store.deployments.update(deployment.id, { containerId: null, hostPort: null });
    await test.engine.close();

    test = await startTestEngine({ dataDir: data.dir });
    try {
      const recovered = test.engine.store.deployments.get(deployment.id)!;
      expect(recovered).toMatchObject({ containerId: live, hostPort: deployment.hostPort, status: 'running' });
      expect((await labelledContainers(deployment.id)).map((info) => info.Id)).toEqual([live]);
      await expect(docker.getContainer(stray.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect(await httpStatus(`http://127.0.0.1:${recovered.hostPort}/health`)).toBe(200);
      test.engine.logs.flush();
      const lines = test.engine.store.logLines.since(deployment.id, 0, 5000).map((line) => line.text);
      expect(lines.some((line) => line.startsWith('[RECONCILE] adopted'))).toBe(true);
      expect(lines.some((line) => line.startsWith('[RECONCILE] removed untracked container'))).toBe(true);
    } finally {
      // The second engine did not create the project, so stop its deployment and images here.
      await test.engine.controller.stopDeployment(deployment.id);
      await test.engine.controller.whenStopped(deployment.id);
      await test.close();
      await removeProjectImages([project.slug]);
      data.cleanup();
    }
  });
});
