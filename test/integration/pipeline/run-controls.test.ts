import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/temp-dir';
import { docker, httpStatus, labelledContainers, startTestEngine, stepStatuses, writeApp, type TestEngine } from './support';

describe('docker pipeline: pause, resume and stop', () => {
  let test: TestEngine;
  const temps: { cleanup(): void }[] = [];
  const slowApp = (): string => {
    const temp = makeTempDir('pipeline-controls-');
    temps.push(temp);
    writeApp(temp.dir, { marker: randomBytes(6).toString('hex'), buildSeconds: 3 });
    return temp.dir;
  };
  beforeAll(async () => {
    test = await startTestEngine();
  });
  afterEach(() => temps.splice(0).forEach((temp) => temp.cleanup()));
  afterAll(async () => {
    await test?.close();
  });

  it('pause during build: the build finishes, then the run waits; resume completes it', async () => {
    const project = test.project('slow-build', {}, slowApp());
    const { run } = await test.engine.controller.deploy(project);
    await test.waitForRun(run.id, (current) => current.steps.find((step) => step.name === 'build')?.status === 'running');
    await test.engine.controller.pause(run.id);

    const paused = await test.waitForRun(run.id, (current) => current.status === 'paused' || current.status === 'failed' || current.status === 'completed');
    expect(paused.status).toBe('paused');
    expect(stepStatuses(paused)).toMatchObject({ detect: 'success', build: 'success', setup: 'pending', deploy: 'pending' });
    expect(test.engine.store.deployments.get(run.deploymentId)!.status).toBe('paused');
    expect(await labelledContainers(run.deploymentId)).toEqual([]);
    await expect(test.engine.controller.deploy(project)).rejects.toMatchObject({ code: 'CONFLICT' });

    await test.engine.controller.resume(run.id);
    const finished = await test.waitForRun(run.id);
    expect(finished.status).toBe('completed');
    expect(Object.values(stepStatuses(finished)).every((status) => status === 'success')).toBe(true);
    const deployment = test.engine.store.deployments.get(run.deploymentId)!;
    expect(deployment.status).toBe('running');
    expect(await httpStatus(`http://127.0.0.1:${deployment.hostPort}/health`)).toBe(200);
  });

  it('stop during build: the build is aborted, later steps are skipped, no container or image is left', async () => {
    const project = test.project('stop-build', {}, slowApp());
    const { run } = await test.engine.controller.deploy(project);
    // Wait until the slow RUN is executing inside the builder.
    await new Promise<void>((resolve) => {
      const off = test.engine.logs.onCommit((deploymentId, lines) => {
        if (deploymentId === run.deploymentId && lines.some((line) => line.text.includes('building '))) {
          off();
          resolve();
        }
      });
    });
    const stopped = await test.engine.controller.stop(run.id);
    expect(stopped.status).toBe('stopped');
    expect(stepStatuses(stopped)).toEqual({ detect: 'success', build: 'skipped', setup: 'skipped', deploy: 'skipped', verify: 'skipped', done: 'skipped' });
    expect(stopped.failure).toBeNull();
    expect(await labelledContainers(run.deploymentId)).toEqual([]);
    const tags = await docker.listImages({ filters: { reference: [`berth/${project.slug}`] } });
    expect(tags).toEqual([]);
    expect(test.engine.store.deployments.get(run.deploymentId)!.status).toBe('stopped');
    // The deployment is free for a new run.
    const next = await test.engine.controller.deploy(project);
    expect((await test.waitForRun(next.run.id)).status).toBe('completed');
  });

  it('stop during verify: the candidate container is removed and the run is stopped', async () => {
    const { run } = await test.engine.controller.deploy(test.project('slow-start'));
    await test.waitForRun(run.id, (current) => current.steps.find((step) => step.name === 'verify')?.status === 'running');
    const stopped = await test.engine.controller.stop(run.id);
    expect(stopped.status).toBe('stopped');
    expect(stepStatuses(stopped)).toMatchObject({ deploy: 'success', verify: 'skipped', done: 'skipped' });
    expect(await labelledContainers(run.deploymentId)).toEqual([]);
  });
});
