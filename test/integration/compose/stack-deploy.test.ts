// A three-service Compose stack through the real engine and the real docker-compose (docs/product-rules.md,
// "Compose stacks"): deploy green, loopback ports, env through the env file, every service's lines tagged,
// a crash of the worker degrades the stack, a change to one service rebuilds only it, rollback restores
// every built service's image, stop removes containers and network and keeps the named volume.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, Notification } from '../../../shared';
import { composeProjectName } from '../../../electron/engine/docker/compose';
import { envFileOf, stackDirOf } from '../../../electron/engine/targets/compose/stack-steps';
import { startTestEngine, stepStatuses, until, type TestEngine } from '../pipeline/support';
import { ComposeFixtures, docker, fixtureDir, httpText, removeStacks, stackContainers, stackNetworks, stackVolumes } from './compose-harness';

const SECRET = 'compose-secret-value-7781';
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('compose stack on local Docker', () => {
  let test: TestEngine;
  const fixtures = new ComposeFixtures();
  const deployments: string[] = [];
  const slugs: string[] = [];
  let dir: string;
  let deploymentId: string;
  let firstRelease: string;
  let project: ReturnType<TestEngine['project']>;

  beforeAll(async () => {
    test = await startTestEngine({ config: { metricsIntervalMs: 500, healthIntervalMs: 1000 } });
    test.engine.events.on('notification', (notification) => notifications.push(notification));
    dir = await fixtures.copy('stack');
  });
  afterAll(async () => {
    await test?.close();
    await removeStacks(deployments, slugs);
    fixtures.cleanupDirs();
  });

  const notifications: Notification[] = [];
  const deployment = (): Deployment => test.engine.store.deployments.get(deploymentId)!;
  const linesOf = () => {
    test.engine.logs.flush();
    return test.engine.store.logLines.since(deploymentId, 0, 100_000);
  };

  it('deploys the stack green: three services, the public one on a loopback port, env through a 0600 file that is gone afterwards', async () => {
    const composeHash = sha(join(dir, 'compose.yaml'));
    project = test.project('stack', { env: [{ name: 'GREETING', value: 'hello' }, { name: 'API_TOKEN', value: SECRET, secret: true }] }, dir);
    slugs.push(project.slug);
    const { run, deployment: created } = await test.engine.controller.deploy(project);
    deploymentId = created.id;
    deployments.push(deploymentId);
    const finished = await test.waitForRun(run.id, undefined, 240_000);
    expect(finished.status, JSON.stringify(finished.failure)).toBe('completed');
    expect(stepStatuses(finished)).toEqual({ detect: 'success', build: 'success', setup: 'success', deploy: 'success', verify: 'success', done: 'success' });
    expect(finished.scan?.shape).toBe('multi');
    firstRelease = finished.releaseId!;

    const live = deployment();
    expect(live.status).toBe('running');
    expect(live.services?.map((service) => [service.name, service.public, service.state])).toEqual([
      ['web', true, 'running'],
      ['redis', false, 'running'],
      ['worker', false, 'running'],
    ]);
    expect(live.services?.find((service) => service.name === 'redis')?.health).toBe('healthy');
    const web = live.services![0]!;
    expect(live.hostPort).toBe(web.hostPort);
    expect(await httpText(`http://127.0.0.1:${web.hostPort}/version`)).toBe('web v1');

    // Bound to loopback only, through the file Berth wrote; the user's file is untouched.
    const inspected = await docker.getContainer(web.containerId!).inspect();
    expect(inspected.HostConfig.PortBindings?.['8080/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: '' }]);
    expect(inspected.Config.Labels['com.docker.compose.project']).toBe(composeProjectName(deploymentId));
    expect(sha(join(dir, 'compose.yaml'))).toBe(composeHash);
    // The project's env reached every service; the secret never reached a log line; the env file is gone.
    expect(inspected.Config.Env).toContain(`API_TOKEN=${SECRET}`);
    expect(inspected.Config.Env).toContain('REDIS_HOST=redis');
    const worker = await docker.getContainer(live.services!.find((service) => service.name === 'worker')!.containerId!).inspect();
    expect(worker.Config.Env).toContain('GREETING=hello');
    expect(existsSync(envFileOf(stackDirOf(test.dataDir, deploymentId)))).toBe(false);
    // The file Compose runs is Berth's, in its data dir, readable by its owner only; it names the env file.
    const runFile = join(stackDirOf(test.dataDir, deploymentId), 'compose.yaml');
    expect(statSync(runFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(runFile, 'utf8')).toContain(envFileOf(stackDirOf(test.dataDir, deploymentId)));
    expect(readFileSync(runFile, 'utf8')).not.toContain(SECRET);
    const lines = linesOf();
    expect(lines.some((line) => line.text.includes(SECRET))).toBe(false);
    expect(lines.some((line) => line.text.includes('API_TOKEN=••••••'))).toBe(true);

    // The release records every built service's image.
    const release = test.engine.store.releases.get(firstRelease)!;
    expect(release.services?.map((service) => service.name).sort()).toEqual(['redis', 'web', 'worker']);
    for (const service of release.services!) expect(service.imageId).toMatch(/^sha256:/);
    expect(release.imageId).toBe(release.services!.find((service) => service.name === 'web')!.imageId);
  });

  it("stores every service's lines tagged with it: build output per service, runtime lines of all three", async () => {
    const lines = await until(
      async () => linesOf(),
      (all) => ['web', 'worker', 'redis'].every((service) => all.some((line) => line.source === 'runtime' && line.service === service && line.stream !== 'system')),
      30_000,
    );
    const runtime = lines.filter((line) => line.source === 'runtime');
    expect(runtime.some((line) => line.service === 'worker' && /^worker tick \d+$/.test(line.text))).toBe(true);
    expect(runtime.some((line) => line.service === 'web' && line.text.includes('web listening on 8080 (greeting=hello)'))).toBe(true);
    expect(runtime.some((line) => line.service === 'redis' && /Ready to accept connections/i.test(line.text))).toBe(true);
    // Every runtime line of a container carries its service.
    expect(runtime.filter((line) => line.stream !== 'system').every((line) => line.service)).toBe(true);
    // Build output: each service's classic-builder steps under its own name.
    const build = lines.filter((line) => line.step === 'build');
    for (const service of ['web', 'worker', 'redis']) expect(build.some((line) => line.service === service && /^Step 1\/\d+ : /.test(line.text)), service).toBe(true);
    expect(build.some((line) => line.service === 'web' && line.text.includes('apt-get install'))).toBe(false);
    expect(build.some((line) => line.service === 'redis' && line.text.includes('apt-get install'))).toBe(true);
  });

  it('samples metrics per service and the stack total as their sum', async () => {
    const samples = await until(
      async () => test.engine.store.metrics.serviceSamples(deploymentId, 0, Date.now() + 1000),
      (found) => ['web', 'worker', 'redis'].every((service) => found.some((sample) => sample.service === service)),
      20_000,
    );
    const totals = test.engine.store.metrics.samples(deploymentId, 0, Date.now() + 1000);
    expect(totals.length).toBeGreaterThan(0);
    const total = totals.at(-1)!;
    const sameRound = samples.filter((sample) => sample.sampledAt <= total.sampledAt && Date.parse(total.sampledAt) - Date.parse(sample.sampledAt) < 400);
    expect(new Set(sameRound.map((sample) => sample.service))).toEqual(new Set(['web', 'worker', 'redis']));
    expect(total.memUsedMb).toBeCloseTo(sameRound.reduce((sum, sample) => sum + sample.memUsedMb, 0), 1);
  });

  it('a killed worker is reported as its crash and degrades the stack; started again, the stack is running', async () => {
    const worker = deployment().services!.find((service) => service.name === 'worker')!;
    await docker.getContainer(worker.containerId!).kill();
    const degraded = await until(async () => deployment(), (current) => current.status === 'degraded', 20_000);
    expect(degraded.services!.find((service) => service.name === 'worker')).toMatchObject({ state: 'exited', exitCode: 137 });
    const crash = linesOf().find((line) => line.text.startsWith('[CRASH] service=worker'));
    expect(crash?.text).toBe('[CRASH] service=worker exit=137 oom=false');
    expect(crash?.service).toBe('worker');
    // Its own crash alert (the built-in desktop rule), naming the service; the stack did not crash.
    const alert = await until(async () => notifications.filter((notification) => notification.deploymentId === deploymentId && notification.kind === 'crash'), (found) => found.length > 0, 10_000);
    expect(alert.map(({ title, body }) => ({ title, body }))).toEqual([
      { title: `${project.name}: service worker crashed`, body: 'The container exited with 137. The stack is degraded until it runs again.' },
    ]);
    // The public service still answers.
    expect(await httpText(`http://127.0.0.1:${degraded.hostPort}/version`)).toBe('web v1');

    await docker.getContainer(worker.containerId!).start();
    const back = await until(async () => deployment(), (current) => current.status === 'running', 20_000);
    expect(back.services!.find((service) => service.name === 'worker')?.state).toBe('running');
    expect(linesOf().some((line) => line.text === '[RESTART] service=worker is running again' && line.service === 'worker')).toBe(true);

    // The public service dying is the stack crashing, as a single container's death would be.
    const web = back.services!.find((service) => service.public)!;
    await docker.getContainer(web.containerId!).kill();
    const crashed = await until(async () => deployment(), (current) => current.status === 'crashed', 20_000);
    expect(crashed.lastExitCode).toBe(137);
    expect(linesOf().some((line) => line.text === '[CRASH] service=web exit=137 oom=false' && line.service === 'web')).toBe(true);
    await docker.getContainer(web.containerId!).start();
    const restarted = await until(async () => deployment(), (current) => current.status === 'running' && current.services![0]!.hostPort === current.hostPort, 20_000);
    // Restarted, it has a new ephemeral port; the deployment (and so the health probes) follow it.
    expect(await until(() => httpText(`http://127.0.0.1:${restarted.hostPort}/version`), (text) => text === 'web v1', 10_000)).toBe('web v1');
  });

  it('a redeploy after a change to one service rebuilds only it: the others keep their image and their container', async () => {
    const before = deployment().services!;
    writeFileSync(join(dir, 'web', 'www', 'version'), 'web v2\n');
    const { run } = await test.engine.controller.deploy(project);
    const finished = await test.waitForRun(run.id, undefined, 240_000);
    expect(finished.status, JSON.stringify(finished.failure)).toBe('completed');
    const first = test.engine.store.releases.get(firstRelease)!.services!;
    const second = test.engine.store.releases.get(finished.releaseId!)!.services!;
    const imageOf = (services: typeof first, name: string) => services.find((service) => service.name === name)!.imageId;
    expect(imageOf(second, 'web')).not.toBe(imageOf(first, 'web'));
    expect(imageOf(second, 'worker')).toBe(imageOf(first, 'worker'));
    expect(imageOf(second, 'redis')).toBe(imageOf(first, 'redis'));
    // The compose file did not change: Compose's normalised config is reused.
    expect(linesOf().some((line) => line.runId === run.id && line.step === 'detect' && line.text.startsWith('compose.yaml: unchanged since Compose validated it'))).toBe(true);
    // Only web was rebuilt: every step of the others came from the cache.
    const build = linesOf().filter((line) => line.runId === run.id && line.step === 'build');
    for (const service of ['worker', 'redis']) {
      const steps = build.filter((line) => line.service === service && /^Step \d+\/\d+ : (?!FROM|ARG)/.test(line.text)).length;
      const cached = build.filter((line) => line.service === service && line.text.trim() === '---> Using cache').length;
      expect({ service, cached }).toEqual({ service, cached: steps });
    }
    const webSteps = build.filter((line) => line.service === 'web' && /^Step \d+\/\d+ : (?!FROM|ARG)/.test(line.text)).length;
    const webCached = build.filter((line) => line.service === 'web' && line.text.trim() === '---> Using cache').length;
    expect(webCached).toBeLessThan(webSteps);
    // Compose recreated only web: worker and redis keep their containers.
    const after = deployment().services!;
    const containerOf = (services: typeof after, name: string) => services.find((service) => service.name === name)!.containerId;
    expect(containerOf(after, 'web')).not.toBe(containerOf(before, 'web'));
    expect(containerOf(after, 'worker')).toBe(containerOf(before, 'worker'));
    expect(containerOf(after, 'redis')).toBe(containerOf(before, 'redis'));
    expect(await httpText(`http://127.0.0.1:${deployment().hostPort}/version`)).toBe('web v2');
  });

  it("rolls back to the first release: every built service's image comes back", async () => {
    const rollback = await test.engine.controller.rollback(project, firstRelease);
    const finished = await test.waitForRun(rollback.id, undefined, 120_000);
    expect(finished.status, JSON.stringify(finished.failure)).toBe('completed');
    const live = deployment();
    expect(live.currentReleaseId).toBe(firstRelease);
    const release = test.engine.store.releases.get(firstRelease)!;
    for (const service of release.services!) {
      const running = live.services!.find((candidate) => candidate.name === service.name)!;
      expect({ service: service.name, imageId: running.imageId }).toEqual({ service: service.name, imageId: service.imageId });
    }
    expect(await httpText(`http://127.0.0.1:${live.hostPort}/version`)).toBe('web v1');
  });

  it('a release whose public service dies at start is rolled back automatically: the previous images serve again', async () => {
    const serving = test.engine.store.releases.get(deployment().currentReleaseId!)!;
    writeFileSync(join(dir, 'web', 'Dockerfile'), 'FROM berth-test/busybox:1\nCOPY www /www\nCMD ["sh", "-c", "echo broken web; exit 3"]\n');
    const { run } = await test.engine.controller.deploy(project);
    const finished = await test.waitForRun(run.id, undefined, 240_000);
    expect(stepStatuses(finished)).toMatchObject({ verify: 'failed', rollback: 'success', done: 'skipped' });
    expect(finished.failure).toMatchObject({ code: 'CONTAINER_START_FAILED', stage: 'verify' });
    const live = deployment();
    expect(live.status).toBe('running');
    expect(live.currentReleaseId).toBe(serving.id);
    for (const service of serving.services!) expect(live.services!.find((candidate) => candidate.name === service.name)?.imageId).toBe(service.imageId);
    expect(await httpText(`http://127.0.0.1:${live.hostPort}/version`)).toBe('web v1');
    expect(linesOf().some((line) => line.runId === run.id && line.text.startsWith(`[ROLLBACK] release ${serving.id} is serving again`))).toBe(true);
  });

  it('stops with down: every container and the network go, the named volume stays', async () => {
    expect((await stackContainers(deploymentId)).length).toBe(3);
    expect((await stackNetworks(deploymentId)).length).toBe(1);
    const stopped = await test.engine.controller.stopDeployment(deploymentId);
    expect(stopped.status).toBe('stopped');
    await test.engine.controller.whenStopped(deploymentId);
    expect(await stackContainers(deploymentId)).toEqual([]);
    expect(await stackNetworks(deploymentId)).toEqual([]);
    expect((await stackVolumes(deploymentId)).map((volume) => volume.Name)).toEqual([`${composeProjectName(deploymentId)}_redis-data`]);
    expect(deployment().services?.every((service) => service.state === 'missing')).toBe(true);
    expect(linesOf().some((line) => line.text.includes('[STOP] down: containers and network'))).toBe(true);
  });

  it('the stop API removes the named volumes when asked (removeVolumes=true)', async () => {
    // The web service as the fixture has it (the rollback test broke it).
    copyFileSync(join(fixtureDir('stack'), 'web', 'Dockerfile'), join(dir, 'web', 'Dockerfile'));
    const { run } = await test.engine.controller.deploy(project);
    expect((await test.waitForRun(run.id, undefined, 240_000)).status).toBe('completed');
    expect((await stackVolumes(deploymentId)).length).toBe(1);
    const answer = await test.engine.dispatch('stopDeployment', { id: deploymentId, removeVolumes: 'true' });
    expect(answer.ok && answer.value.status).toBe('stopped');
    await test.engine.controller.whenStopped(deploymentId);
    expect(await stackContainers(deploymentId)).toEqual([]);
    expect(await stackVolumes(deploymentId)).toEqual([]);
  });
});
