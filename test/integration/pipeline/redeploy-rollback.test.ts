import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/temp-dir';
import { docker, httpStatus, httpText, labelledContainers, startTestEngine, stepStatuses, writeApp, type TestEngine } from './support';

describe('docker pipeline: redeploy and rollback', () => {
  let test: TestEngine;
  const temps: { cleanup(): void }[] = [];
  const appDir = (): string => {
    const temp = makeTempDir('pipeline-release-');
    temps.push(temp);
    return temp.dir;
  };
  beforeAll(async () => {
    test = await startTestEngine();
  });
  afterEach(() => temps.splice(0).forEach((temp) => temp.cleanup()));
  afterAll(async () => {
    await test?.close();
  });

  // Unique per test: identical Dockerfiles would share one image between tests.
  const version = (name: string): string => `${name}-${randomBytes(4).toString('hex')}`;
  const liveVersion = async (deploymentId: string): Promise<string> => httpText(`http://127.0.0.1:${test.engine.store.deployments.get(deploymentId)!.hostPort}/version`);

  it('a redeploy of an unchanged project is faster than the first deploy (layer cache), as the run durations show', async () => {
    const dir = appDir();
    writeApp(dir, { marker: randomBytes(6).toString('hex'), buildSeconds: 2 });
    const project = test.project('redeploy', {}, dir);
    const first = await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
    expect(first.status).toBe('completed');
    const { run } = await test.engine.controller.deploy(project);
    expect(run.kind).toBe('redeploy');
    const second = await test.waitForRun(run.id);
    expect(second.status).toBe('completed');

    const runs = test.engine.store.runs.listForProject(project.id);
    expect(runs.map((listed) => listed.id)).toEqual([second.id, first.id]); // newest first
    const buildMs = (detail: typeof first) => detail.steps.find((step) => step.name === 'build')!.durationMs!;
    expect(buildMs(second)).toBeLessThan(buildMs(first));
    expect(second.durationMs!).toBeLessThan(first.durationMs!);
    test.engine.logs.flush();
    const lines = test.engine.store.logLines.since(run.deploymentId, 0, 5000).filter((line) => line.runId === second.id);
    expect(lines.some((line) => line.text.includes('Using cache'))).toBe(true);

    // The new release serves; the old container is retired; two releases are kept.
    const deployment = test.engine.store.deployments.get(run.deploymentId)!;
    expect(deployment.currentReleaseId).toBe(second.releaseId);
    expect(await httpStatus(`http://127.0.0.1:${deployment.hostPort}/health`)).toBe(200);
    expect(test.engine.store.releases.listForDeployment(deployment.id).map((release) => release.id)).toEqual([second.releaseId, first.releaseId]);
    await expect.poll(async () => (await labelledContainers(deployment.id)).map((info) => info.Id), { timeout: 15_000 }).toEqual([deployment.containerId]);
  });

  for (const fixedPort of [false, true]) {
    it(`verify fails on a new release: the automatic rollback restores the old one, which still answers (${fixedPort ? 'fixed host port' : 'allocated port'})`, async () => {
      const dir = appDir();
      const settings = { verifyTimeoutMs: 2000, ...(fixedPort ? { hostPort: 20_000 + Math.floor(Math.random() * 20_000) } : {}) };
      const v1 = version('v1');
      writeApp(dir, { marker: v1 });
      const project = test.project('autorollback', settings, dir);
      const first = await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
      expect(first.status).toBe('completed');
      expect(await liveVersion(first.deploymentId)).toBe(v1);

      writeApp(dir, { marker: version('v2'), healthy: false });
      const second = await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
      expect(second.status).toBe('failed');
      expect(second.steps.map((step) => step.name)).toEqual(['detect', 'build', 'setup', 'deploy', 'verify', 'rollback', 'done']);
      expect(stepStatuses(second)).toMatchObject({ verify: 'failed', rollback: 'success', done: 'skipped' });
      expect(second.failure).toMatchObject({ stage: 'verify', code: 'DEPLOYMENT_VERIFICATION_FAILED' });
      expect(second.failure!.likelyCause).toContain(`release ${first.releaseId} is serving again`);

      const deployment = test.engine.store.deployments.get(first.deploymentId)!;
      expect(deployment.status).toBe('running');
      expect(deployment.currentReleaseId).toBe(first.releaseId);
      expect(await liveVersion(deployment.id)).toBe(v1);
      expect((await labelledContainers(deployment.id)).map((info) => info.Id)).toEqual([deployment.containerId]);
    });
  }

  it('automatic rollback fails when the old release cannot come back: AUTOMATIC_ROLLBACK_FAILED', async () => {
    const dir = appDir();
    const v1 = version('v1');
      writeApp(dir, { marker: v1 });
    const project = test.project('rollbackfails', { verifyTimeoutMs: 2000 }, dir);
    const first = await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
    expect(first.status).toBe('completed');
    // The old release's container is gone and so is its image: nothing can be restored.
    const deployment = test.engine.store.deployments.get(first.deploymentId)!;
    test.engine.monitor.unwatch(deployment.id);
    await docker.getContainer(deployment.containerId!).remove({ force: true });
    const release = test.engine.store.releases.get(first.releaseId!)!;
    await docker.getImage(release.imageRef).remove({ force: true });

    writeApp(dir, { marker: version('v2'), healthy: false });
    const second = await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
    test.engine.logs.flush();
    const log = test.engine.store.logLines.since(second.deploymentId, 0, 5000).filter((line) => line.runId === second.id).map((line) => `${line.step} ${line.text}`);
    expect(second.failure, log.join('\n')).toMatchObject({ stage: 'rollback', category: 'rollback_failure', code: 'AUTOMATIC_ROLLBACK_FAILED' });
    expect(stepStatuses(second)).toMatchObject({ verify: 'failed', rollback: 'failed', done: 'skipped' });
    expect(second.failure!.evidence.line).not.toBeNull();
  });

  it('manual rollback to an earlier release: a run of kind rollback puts it live', async () => {
    const dir = appDir();
    const v1 = version('v1');
      writeApp(dir, { marker: v1 });
    const project = test.project('manualrollback', {}, dir);
    const first = await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
    const v2 = version('v2');
    writeApp(dir, { marker: v2 });
    const second = await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
    expect(second.status).toBe('completed');
    expect(await liveVersion(first.deploymentId)).toBe(v2);

    const rollback = await test.engine.controller.rollback(project);
    expect(rollback.kind).toBe('rollback');
    expect(rollback.rollbackOfReleaseId).toBe(first.releaseId);
    const finished = await test.waitForRun(rollback.id);
    expect(finished.status, JSON.stringify(finished.failure)).toBe('completed');
    expect(finished.steps.map((step) => step.name)).toEqual(['rollback', 'setup', 'deploy', 'verify', 'done']);
    expect(finished.releaseId).toBe(first.releaseId);
    const deployment = test.engine.store.deployments.get(first.deploymentId)!;
    expect(deployment.currentReleaseId).toBe(first.releaseId);
    expect(await liveVersion(deployment.id)).toBe(v1);
    expect(test.engine.store.releases.listForDeployment(deployment.id)).toHaveLength(2);

    // And forward again to the newer release by id.
    const forward = await test.waitForRun((await test.engine.controller.rollback(project, second.releaseId!)).id);
    expect(forward.status).toBe('completed');
    expect(await liveVersion(deployment.id)).toBe(v2);
  });

  it('manual rollback whose image is gone → MANUAL_ROLLBACK_FAILED, the current release keeps serving', async () => {
    const dir = appDir();
    const v1 = version('v1');
      writeApp(dir, { marker: v1 });
    const project = test.project('manualfails', {}, dir);
    const first = await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
    const v2 = version('v2');
    writeApp(dir, { marker: v2 });
    await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
    // Once the retired v1 container is gone, its image can really be deleted.
    await expect.poll(async () => (await labelledContainers(first.deploymentId)).length, { timeout: 15_000 }).toBe(1);
    await docker.getImage(test.engine.store.releases.get(first.releaseId!)!.imageRef).remove({ force: true });
    await expect(docker.getImage(test.engine.store.releases.get(first.releaseId!)!.imageId!).inspect()).rejects.toMatchObject({ statusCode: 404 });

    const finished = await test.waitForRun((await test.engine.controller.rollback(project, first.releaseId!)).id);
    expect(finished.failure).toMatchObject({ stage: 'rollback', category: 'rollback_failure', code: 'MANUAL_ROLLBACK_FAILED' });
    expect(test.engine.store.deployments.get(first.deploymentId)!.status).toBe('running');
    expect(await liveVersion(first.deploymentId)).toBe(v2);
  });
});
