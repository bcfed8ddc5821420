// Deleting a project while its deploy run is still going: the run is stopped and has ended before the
// project's rows go, so nothing writes to deleted rows (that used to end the engine process), and the
// half-deployed container is removed. Found by the OpenAPI fuzz run.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult, Project } from '../../../shared';
import { startTestHost, type TestHost } from '../../support/host';
import { makeTempDir } from '../../support/temp-dir';
import { waitForRun } from '../../support/wait-for-run';
import { labelledContainers, removeProjectImages } from '../pipeline/support';

describe('deleting a project while it deploys', () => {
  let host: TestHost;
  const source = makeTempDir('api-delete-during-deploy-');
  const slugs: string[] = [];
  const unhandled: unknown[] = [];
  const record = (error: unknown) => unhandled.push(error);

  beforeAll(async () => {
    // A container that starts and never answers its health path: the run waits in verify.
    writeFileSync(join(source.dir, 'Dockerfile'), 'FROM berth-test/busybox:1\nCMD ["sleep", "3600"]\n');
    host = await startTestHost({ config: { stopGraceMs: 1_000, healthIntervalMs: 0, metricsIntervalMs: 0 } });
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
  });
  afterAll(async () => {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
    await host?.stop();
    await removeProjectImages(slugs);
    source.cleanup();
  });

  const createProject = async (): Promise<Project> => {
    const created = await host.json<Project>('/api/projects', { method: 'POST', body: JSON.stringify({ name: `delete-deploying-${randomBytes(3).toString('hex')}`, sourceDir: source.dir }) });
    expect(created.status).toBe(200);
    slugs.push(created.body.slug);
    return created.body;
  };

  it('stops the run first, removes its container, and the engine goes on', async () => {
    const project = await createProject();
    const { body } = await host.json<DeployResult>(`/api/projects/${project.id}/deploy`, { method: 'POST', body: '{}' });
    await waitForRun(host.engine, body.run.id, (run) => run.steps.some((step) => step.name === 'verify' && step.status === 'running'));

    const deleted = await host.api(`/api/projects/${project.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    expect(host.engine.store.runs.listActive()).toEqual([]);
    await host.engine.controller.whenStopped(body.deployment.id);
    expect(await labelledContainers(body.deployment.id)).toEqual([]);
    expect((await host.api('/api/status')).status).toBe(200);
    expect(unhandled).toEqual([]);
  });

  it('survives a deploy and a delete of the same project sent together', async () => {
    for (let round = 0; round < 5; round++) {
      const project = await createProject();
      const [deploy, deleted] = await Promise.all([
        host.api(`/api/projects/${project.id}/deploy`, { method: 'POST', body: '{}' }),
        host.api(`/api/projects/${project.id}`, { method: 'DELETE' }),
      ]);
      expect([200, 404]).toContain(deploy.status);
      expect(deleted.status).toBe(202);
    }
    expect(host.engine.store.runs.listActive()).toEqual([]);
    expect(unhandled).toEqual([]);
  });
});
