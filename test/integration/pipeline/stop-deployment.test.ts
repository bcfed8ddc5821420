import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/temp-dir';
import { docker, labelledContainers, startTestEngine, type TestEngine } from './support';

const stopLines = (test: TestEngine, deploymentId: string): string[] => {
  test.engine.logs.flush();
  return test.engine.store.logLines
    .since(deploymentId, 0, 5000)
    .filter((line) => line.stream === 'system' && line.text.startsWith('[STOP]'))
    .map((line) => line.text);
};

describe('docker pipeline: the stop sequence', () => {
  let test: TestEngine;
  const temps: { cleanup(): void }[] = [];
  beforeAll(async () => {
    test = await startTestEngine({ config: { stopGraceMs: 1500 } });
  });
  afterEach(() => temps.splice(0).forEach((temp) => temp.cleanup()));
  afterAll(async () => {
    await test?.close();
  });

  const deployed = async (sourceDir?: string) => {
    const project = test.project(sourceDir ? 'ignores-term' : 'healthy', {}, sourceDir);
    const run = await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
    expect(run.status).toBe('completed');
    return test.engine.store.deployments.get(run.deploymentId)!;
  };

  it('a process that honours SIGTERM: stopped, container removed, port released, row cleared', async () => {
    const deployment = await deployed();
    expect(await test.engine.controller.stopDeployment(deployment.id)).toMatchObject({ status: 'stopped' });
    const stopped = await test.engine.controller.whenStopped(deployment.id);
    expect(stopped).toMatchObject({ status: 'stopped', containerId: null, hostPort: null });
    expect(await labelledContainers(deployment.id)).toEqual([]);
    const lines = stopLines(test, deployment.id);
    expect(lines.some((line) => line.includes('SIGTERM sent'))).toBe(true);
    expect(lines.some((line) => line.includes('SIGKILL'))).toBe(false);
    expect(lines.some((line) => line.includes('removed; its port is released'))).toBe(true);
    // The port is free again.
    const { isPortFree } = await import('../../../electron/engine/targets/docker/ports');
    expect(await isPortFree(deployment.hostPort!)).toBe(true);
  });

  it('a process that ignores SIGTERM is killed with SIGKILL after the grace period', async () => {
    const temp = makeTempDir('pipeline-ignores-term-');
    temps.push(temp);
    // httpd as PID 1 has no SIGTERM handler, so the kernel ignores the signal.
    writeFileSync(
      join(temp.dir, 'Dockerfile'),
      `FROM berth-test/busybox:1\nRUN mkdir -p /www && echo ok > /www/health && echo ${randomBytes(4).toString('hex')} > /www/version\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`,
    );
    const deployment = await deployed(temp.dir);
    expect(await test.engine.controller.stopDeployment(deployment.id)).toMatchObject({ status: 'stopped' });
    const stopped = await test.engine.controller.whenStopped(deployment.id);
    expect(stopped).toMatchObject({ status: 'stopped', containerId: null, hostPort: null });
    expect(await labelledContainers(deployment.id)).toEqual([]);
    const lines = stopLines(test, deployment.id);
    expect(lines.some((line) => line.includes('still running after 2 s: SIGKILL'))).toBe(true);
  });

  it('a container that is already gone is written as a system line and never leaves the row stuck', async () => {
    const deployment = await deployed();
    test.engine.monitor.unwatch(deployment.id);
    await docker.getContainer(deployment.containerId!).remove({ force: true });
    expect(await test.engine.controller.stopDeployment(deployment.id)).toMatchObject({ status: 'stopped' });
    const stopped = await test.engine.controller.whenStopped(deployment.id);
    expect(stopped).toMatchObject({ status: 'stopped', containerId: null, hostPort: null });
    expect(stopLines(test, deployment.id).some((line) => line.includes('already gone'))).toBe(true);
  });

  it('stopping a deployment while a run is in progress stops the run first', async () => {
    const project = test.project('slow-start');
    const { run } = await test.engine.controller.deploy(project);
    await test.waitForRun(run.id, (current) => current.steps.some((step) => step.name === 'verify' && step.status === 'running'));
    expect((await test.engine.controller.stopDeployment(run.deploymentId)).status).toBe('stopped');
    const stopped = await test.engine.controller.whenStopped(run.deploymentId);
    expect(stopped?.status).toBe('stopped');
    expect(test.engine.store.runs.get(run.id)!.status).toBe('stopped');
    expect(await labelledContainers(run.deploymentId)).toEqual([]);
  });
});
