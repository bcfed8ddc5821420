// A stack across a Berth engine restart (docs/product-rules.md, "Compose stacks"): the start-up reconcile
// reads the stack from Compose's labels, a service that died while Berth was down is reported once as its
// crash and degrades the stack, the services' logs resume; and a project that asks for it has its named
// volumes removed by stop.
import { afterAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../../shared';
import { composeProjectName } from '../../../electron/engine/docker/compose';
import { makeTempDir } from '../../support/temp-dir';
import { startTestEngine, until, type TestEngine } from '../pipeline/support';
import { ComposeFixtures, docker, removeStacks, stackContainers, stackVolumes } from './compose-harness';

describe('compose stack across an engine restart', () => {
  const temp = makeTempDir('berth-compose-restart-');
  const fixtures = new ComposeFixtures();
  let second: TestEngine | undefined;
  const deployments: string[] = [];
  const slugs: string[] = [];

  afterAll(async () => {
    await second?.close();
    await removeStacks(deployments, slugs);
    fixtures.cleanupDirs();
    temp.cleanup();
  });

  it('a service that died while Berth was down is reported on start and degrades the stack; stop removes the named volume when asked', async () => {
    const dir = await fixtures.copy('stack');
    const first = await startTestEngine({ dataDir: temp.dir, config: { healthIntervalMs: 1000 } });
    const project = first.project('stack', { compose: { removeVolumesOnStop: true } }, dir);
    slugs.push(project.slug);
    const { run, deployment } = await first.engine.controller.deploy(project);
    deployments.push(deployment.id);
    expect((await first.waitForRun(run.id, undefined, 240_000)).status).toBe('completed');
    const worker = first.engine.store.deployments.get(deployment.id)!.services!.find((service) => service.name === 'worker')!;
    await first.engine.close();

    await docker.getContainer(worker.containerId!).kill();
    second = await startTestEngine({ dataDir: temp.dir, config: { healthIntervalMs: 1000 } });
    const current = (): Deployment => second!.engine.store.deployments.get(deployment.id)!;
    await until(async () => current(), (found) => found.status === 'degraded', 20_000);
    const lines = () => {
      second!.engine.logs.flush();
      return second!.engine.store.logLines.since(deployment.id, 0, 100_000);
    };
    await until(async () => lines(), (found) => found.some((line) => line.text.startsWith('[CRASH] service=worker')), 20_000);
    expect(lines().filter((line) => line.text.startsWith('[CRASH]')).map((line) => line.text)).toEqual(['[CRASH] service=worker exit=137 oom=false']);
    expect(current().services!.find((service) => service.name === 'worker')).toMatchObject({ state: 'exited', exitCode: 137 });
    // The other services' logs go on after the restart.
    const before = lines().filter((line) => line.service === 'redis' || line.service === 'web').length;
    await docker.getContainer(worker.containerId!).start();
    await until(async () => current(), (found) => found.status === 'running', 20_000);
    await until(async () => lines(), (found) => found.filter((line) => line.service === 'worker' && line.text.startsWith('worker tick')).length > 0 && found.length > before, 20_000);

    // removeVolumesOnStop: down --volumes.
    expect((await stackVolumes(deployment.id)).map((volume) => volume.Name)).toEqual([`${composeProjectName(deployment.id)}_redis-data`]);
    await second.engine.controller.stopDeployment(deployment.id);
    await second.engine.controller.whenStopped(deployment.id);
    expect(await stackContainers(deployment.id)).toEqual([]);
    expect(await stackVolumes(deployment.id)).toEqual([]);
    expect(lines().some((line) => line.text.startsWith('[STOP] down --volumes'))).toBe(true);
  });
});
