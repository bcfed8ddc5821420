// A stop over the HTTP API answers at once with the deployment `stopped`, and the seed's sequence
// (SIGTERM, grace, SIGKILL, rm) still runs to the end afterwards, for a deployment and for a project.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, DeployResult, Project } from '../../../shared';
import { startTestHost, type TestHost } from '../../support/host';
import { makeTempDir } from '../../support/temp-dir';
import { waitForRun } from '../../support/wait-for-run';
import { docker, labelledContainers, removeProjectImages } from './support';

/** Long enough that the sequence cannot finish before the answer: httpd as PID 1 ignores SIGTERM. */
const GRACE_MS = 4_000;

describe('stopping over the HTTP API answers before the stop sequence ends', () => {
  let host: TestHost;
  const temp = makeTempDir('pipeline-stop-api-');
  const slugs: string[] = [];

  beforeAll(async () => {
    host = await startTestHost({ config: { stopGraceMs: GRACE_MS, healthIntervalMs: 0, metricsIntervalMs: 0 } });
  });
  afterAll(async () => {
    await host?.stop();
    await removeProjectImages(slugs);
    temp.cleanup();
  });

  /** A deployed app whose container ignores SIGTERM, so its stop takes the whole grace. */
  async function deployed(): Promise<{ project: Project; deployment: Deployment }> {
    const dir = join(temp.dir, randomBytes(3).toString('hex'));
    mkdirSync(dir);
    writeFileSync(join(dir, 'Dockerfile'), `FROM berth-test/busybox:1\nRUN mkdir -p /www && echo ok > /www/health\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`);
    const created = await host.json<Project>('/api/projects', { method: 'POST', body: JSON.stringify({ name: `stop-api-${randomBytes(3).toString('hex')}`, sourceDir: dir, settings: { port: 8080 } }) });
    expect(created.status).toBe(200);
    slugs.push(created.body.slug);
    const deploy = await host.json<DeployResult>(`/api/projects/${created.body.id}/deploy`, { method: 'POST', body: '{}' });
    const run = await waitForRun(host.engine, deploy.body.run.id);
    expect(run.status).toBe('completed');
    return { project: created.body, deployment: host.engine.store.deployments.get(run.deploymentId)! };
  }

  const isRunning = async (containerId: string): Promise<boolean> => (await docker.getContainer(containerId).inspect()).State.Running;
  const stopLines = (deploymentId: string): string[] => {
    host.engine.logs.flush();
    return host.engine.store.logLines
      .since(deploymentId, 0, 5000)
      .filter((line) => line.text.startsWith('[STOP]'))
      .map((line) => line.text);
  };

  it('DELETE /api/deployments/:id: `stopped` at once, then SIGKILL after the grace and the container removed', async () => {
    const { deployment } = await deployed();
    const response = await host.api(`/api/deployments/${deployment.id}`, { method: 'DELETE' });
    expect(response.status).toBe(202);
    expect(((await response.json()) as Deployment).status).toBe('stopped');
    // The answer came while the container was still inside its grace period.
    expect(await isRunning(deployment.containerId!)).toBe(true);
    expect(stopLines(deployment.id).some((line) => line.includes('removed'))).toBe(false);

    const stopped = await host.engine.controller.whenStopped(deployment.id);
    expect(stopped).toMatchObject({ status: 'stopped', containerId: null, hostPort: null });
    expect(await labelledContainers(deployment.id)).toEqual([]);
    const lines = stopLines(deployment.id);
    expect(lines.some((line) => line.includes('SIGKILL'))).toBe(true);
    expect(lines.some((line) => line.includes('removed; its port is released'))).toBe(true);
  });

  it('DELETE /api/projects/:id: gone at once, and its container is still removed afterwards', async () => {
    const { project, deployment } = await deployed();
    const response = await host.api(`/api/projects/${project.id}`, { method: 'DELETE' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ deleted: true });
    expect((await host.api(`/api/projects/${project.id}`)).status).toBe(404);
    expect(await isRunning(deployment.containerId!)).toBe(true);

    await host.engine.controller.whenStopped(deployment.id);
    expect(await labelledContainers(deployment.id)).toEqual([]);
  });
});
