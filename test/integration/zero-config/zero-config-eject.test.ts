// Eject equivalence, through the HTTP API of a real engine: a project created with only a name and a folder
// deploys zero-config; POST /api/projects/:id/eject writes the generated Dockerfile and a .dockerignore;
// `docker build` of the folder (the docker CLI, classic builder) then gives the very image Berth built, since
// every step comes from the layer cache; and the next deploy builds it as existing_docker, again that image.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult, Project, RunDetail } from '../../../shared';
import { removeProjectImages } from '../pipeline/support';
import { startTestHost, type TestHost } from '../../support/host';
import { makeTempDir } from '../../support/temp-dir';
import { waitForRun } from '../../support/wait-for-run';
import { docker, fixtureDir, runtimeImageEnv } from './zero-config-harness';

describe('berth eject: the saved Dockerfile builds the same image', () => {
  const temp = makeTempDir('zero-config-eject-');
  const dir = join(temp.dir, 'express');
  const cliTag = `berth-test/zero-config-eject:${process.pid}`;
  let host: TestHost;
  let project: Project;

  beforeAll(async () => {
    cpSync(fixtureDir('express'), dir, { recursive: true });
    host = await startTestHost({ config: { baseImageEnv: await runtimeImageEnv(), healthIntervalMs: 0, metricsIntervalMs: 0 } });
  }, 900_000);

  afterAll(async () => {
    if (host) {
      for (const deployment of host.engine.store.deployments.list()) {
        await host.engine.controller.stopDeployment(deployment.id).catch(() => undefined);
        await host.engine.controller.whenStopped(deployment.id);
      }
      await host.stop();
    }
    await docker.getImage(cliTag).remove().catch(() => undefined);
    if (project) await removeProjectImages([project.slug]);
    temp.cleanup();
  }, 120_000);

  const deploy = async (): Promise<RunDetail> => {
    const { status, body } = await host.json<DeployResult>(`/api/projects/${project.id}/deploy`, { method: 'POST', body: '{}' });
    expect(status).toBe(200);
    return waitForRun(host.engine, body.run.id, undefined, 600_000);
  };
  const imageOf = (run: RunDetail): string => host.engine.store.releases.get(run.releaseId!)!.imageId!;

  it('deploys zero-config, ejects, and the folder then builds the same image with docker build and with Berth', async () => {
    const created = await host.json<Project>('/api/projects', { method: 'POST', body: JSON.stringify({ name: 'eject-express', sourceDir: dir }) });
    expect(created.status).toBe(200);
    project = created.body;
    expect(project.settings).not.toHaveProperty('port');
    expect(project.settings).not.toHaveProperty('healthPath');

    const zeroConfig = await deploy();
    expect(zeroConfig.status, JSON.stringify(zeroConfig.failure)).toBe('completed');
    expect(zeroConfig.scan?.shape).toBe('server');

    const ejected = await host.json<{ written: string[] }>(`/api/projects/${project.id}/eject`, { method: 'POST', body: '{}' });
    expect(ejected).toEqual({ status: 200, body: { written: [join(dir, 'Dockerfile'), join(dir, '.dockerignore')] } });
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    // What the build log printed is what was saved.
    host.engine.logs.flush();
    const printed = host.engine.store.logLines.since(zeroConfig.deploymentId, 0, 20_000).filter((line) => line.runId === zeroConfig.id && line.step === 'build').map((line) => line.text);
    expect(printed.join('\n')).toContain(dockerfile.trimEnd());
    expect(readFileSync(join(dir, '.dockerignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['Dockerfile', '.dockerignore', '**/node_modules']));

    // The docker CLI with the classic builder: every step from the cache Berth's build left, so the same image id
    // (Berth builds without image labels, so the CLI needs none either).
    const built = spawnSync('docker', ['build', '--quiet', '--tag', cliTag, dir], { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout.trim()).toBe(imageOf(zeroConfig));

    const existing = await deploy();
    expect(existing.status, JSON.stringify(existing.failure)).toBe('completed');
    expect(existing.scan).toMatchObject({ shape: 'existing_docker', dockerfile: 'Dockerfile' });
    expect(imageOf(existing)).toBe(imageOf(zeroConfig));
    // The Dockerfile's own health route and port, as before: the deployment answers on it.
    const deployment = host.engine.store.deployments.get(existing.deploymentId)!;
    expect(deployment.healthCheck).toEqual({ path: '/health', rule: 'status_2xx_3xx' });
    expect((await fetch(`http://127.0.0.1:${deployment.hostPort}/`)).status).toBe(200);
  }, 900_000);
});
