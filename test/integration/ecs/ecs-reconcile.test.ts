// ECS start-up reconcile against a real moto_server: Berth is stopped, the service changes behind its
// back (deleted, scaled to 0, pointed at another task definition), and the next start makes each
// deployment row agree with what ECS runs. Start-up is real: Engine.start on the same data dir.
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { CreateClusterCommand, CreateServiceCommand, DeleteServiceCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, type Deployment, type DeploymentStatus, type EcsSettings, type Release } from '../../../shared';
import { Engine } from '../../../electron/engine/host/engine';
import { EcsMonitor } from '../../../electron/engine/monitor/ecs/ecs-monitor';
import { clientsForProject, createAwsClients, type AwsClients } from '../../../electron/engine/aws/aws-clients';
import { EcsTarget } from '../../../electron/engine/targets/ecs/ecs-target';
import { freePort, startMoto, useEmulatorEnvironment, type RunningServer } from '../../support/aws-emulator';
import { makeTempDir } from '../../support/temp-dir';

const CLUSTER = 'ecs-reconcile-cluster';

/** Engine.start as the desktop app and `berth serve` call it; the ECS monitor runs no timers here. */
const startEngine = (dataDir: string, awsEndpoint: string): Promise<Engine> =>
  Engine.start({ config: { dataDir, awsEndpoint }, monitor: (context) => new EcsMonitor(context, { timers: false }) });

interface Seeded {
  readonly deployment: Deployment;
  /** Oldest first, one per task definition given. */
  readonly releases: readonly Release[];
}

/** A project, its ECS deployment and one release per task definition, as earlier Berth runs leave them. */
function seed(engine: Engine, name: string, ecs: EcsSettings, taskDefinitionArns: readonly string[], options: { status?: DeploymentStatus; currentIndex?: number } = {}): Seeded {
  const { store } = engine;
  const project = store.projects.create({ name, sourceDir: '/tmp', target: 'ecs', settings: projectSettingsSchema.parse({ port: 8080, ecs }) });
  const deployment = store.deployments.create(project.id, 'ecs');
  const run = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: ['done'], rollbackOfReleaseId: null });
  store.runs.update(run.id, { status: 'completed' });
  const base = Date.now() - 60_000;
  const releases = taskDefinitionArns.map((arn, index) =>
    store.releases.create({ deploymentId: deployment.id, runId: run.id, imageRef: `registry.test/${project.slug}:${index + 1}`, taskDefinitionArn: arn }, base + index * 1000),
  );
  const current = releases[options.currentIndex ?? releases.length - 1];
  const updated = store.deployments.update(deployment.id, {
    status: options.status ?? 'running',
    health: 'healthy',
    currentReleaseId: current?.id ?? null,
    imageRef: current?.imageRef ?? null,
    taskArn: `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/${ecs.service ?? name}`,
    startedAt: base,
  })!;
  return { deployment: updated, releases };
}

function systemLines(engine: Engine, deploymentId: string): string[] {
  engine.logs.flush();
  return engine.store.logLines
    .since(deploymentId, 0, 10_000)
    .filter((line) => line.stream === 'system')
    .map((line) => line.text);
}

describe('ECS start-up reconcile against moto_server', () => {
  let moto: RunningServer;
  let restoreEnvironment: () => void;
  let aws: AwsClients;
  const data = makeTempDir('berth-ecs-reconcile-');
  let engine: Engine;
  let family = 0;

  /** Registers a fresh family with `revisions` revisions; returns their ARNs, oldest first. */
  const taskDefinitions = async (revisions: number): Promise<string[]> => {
    family += 1;
    const arns: string[] = [];
    for (let revision = 1; revision <= revisions; revision++) {
      const registered = await aws.ecs.send(
        new RegisterTaskDefinitionCommand({ family: `berth-reconcile-${family}`, containerDefinitions: [{ name: 'app', image: `registry.test/app:${revision}`, memory: 128 }] }),
      );
      arns.push(registered.taskDefinition!.taskDefinitionArn!);
    }
    return arns;
  };

  const createService = (service: string, taskDefinition: string) =>
    aws.ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: service, taskDefinition, desiredCount: 1 }));

  /** Berth goes down; `meanwhile` changes AWS; Berth starts again on the same data dir. */
  const restartBerth = async (meanwhile: () => Promise<unknown>): Promise<void> => {
    await engine.close();
    await meanwhile();
    engine = await startEngine(data.dir, moto.url);
  };

  beforeAll(async () => {
    moto = await startMoto({ servicesRunning: 1 });
    restoreEnvironment = useEmulatorEnvironment(moto);
    aws = createAwsClients({ endpoint: moto.url });
    await aws.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    engine = await startEngine(data.dir, moto.url);
  });

  afterAll(async () => {
    await engine?.close();
    aws?.destroy();
    restoreEnvironment?.();
    await moto?.stop();
    data.cleanup();
  });

  it('a running deployment whose service was deleted while Berth was down becomes stopped, with a line', async () => {
    const [arn] = await taskDefinitions(1);
    await createService('reconcile-deleted', arn!);
    const { deployment } = seed(engine, 'reconcile-deleted', { region: 'us-east-1', cluster: CLUSTER, service: 'reconcile-deleted' }, [arn!]);
    // A first deploy that failed before any release: its service never existed, and it stays failed.
    const { deployment: neverReleased } = seed(engine, 'reconcile-first-failed', { region: 'us-east-1', cluster: CLUSTER, service: 'reconcile-first-failed' }, [], { status: 'failed' });

    await restartBerth(() => aws.ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'reconcile-deleted', force: true })));
    expect(engine.store.deployments.get(neverReleased.id)).toMatchObject({ status: 'failed' });
    expect(systemLines(engine, neverReleased.id)).toEqual([]);

    expect(engine.store.deployments.get(deployment.id)).toMatchObject({ status: 'stopped', taskArn: null, health: 'unknown', currentReleaseId: deployment.currentReleaseId });
    expect(systemLines(engine, deployment.id)).toContain(`[RECONCILE] ECS service reconcile-deleted no longer exists in cluster ${CLUSTER}`);

    // Stopped rows are left alone on the next start: no second line.
    await restartBerth(async () => undefined);
    expect(systemLines(engine, deployment.id).filter((text) => text.startsWith('[RECONCILE]'))).toHaveLength(1);
  });

  it('a service scaled to 0 while Berth was down makes the deployment stopped, with a line', async () => {
    const [arn] = await taskDefinitions(1);
    await createService('reconcile-scaled', arn!);
    const { deployment } = seed(engine, 'reconcile-scaled', { region: 'us-east-1', cluster: CLUSTER, service: 'reconcile-scaled' }, [arn!]);

    await restartBerth(() => aws.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'reconcile-scaled', desiredCount: 0 })));

    expect(engine.store.deployments.get(deployment.id)).toMatchObject({ status: 'stopped', taskArn: null, health: 'unknown' });
    expect(systemLines(engine, deployment.id)).toContain(`[RECONCILE] ECS service reconcile-scaled is scaled to 0 in cluster ${CLUSTER}`);
  });

  it('a service pointed back at an older release\'s task definition makes that release current, emits deploymentUpdated and writes a line', async () => {
    const [older, newer] = await taskDefinitions(2);
    await createService('reconcile-older', newer!);
    const { deployment, releases } = seed(engine, 'reconcile-older', { region: 'us-east-1', cluster: CLUSTER, service: 'reconcile-older' }, [older!, newer!]);
    expect(deployment.currentReleaseId).toBe(releases[1]!.id);
    // Someone rolled the service back by hand (console, CLI) while Berth was not looking.
    await aws.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'reconcile-older', taskDefinition: older! }));

    // The start-up pass itself, on the running engine, so its events can be observed.
    const updates: Deployment[] = [];
    const off = engine.events.on('deploymentUpdated', (payload) => updates.push(payload));
    try {
      await engine.controller.recover();
    } finally {
      off();
    }

    const older1 = releases[0]!;
    expect(engine.store.deployments.get(deployment.id)).toMatchObject({ status: 'running', currentReleaseId: older1.id, imageRef: older1.imageRef });
    expect(engine.store.releases.listForDeployment(deployment.id).map((release) => [release.id, release.current])).toEqual([
      [releases[1]!.id, false],
      [older1.id, true],
    ]);
    expect(updates.filter((update) => update.id === deployment.id).map((update) => update.currentReleaseId)).toEqual([older1.id]);
    expect(systemLines(engine, deployment.id)).toContain(`[RECONCILE] ECS service reconcile-older runs ${older}, release ${older1.id}; Berth now shows it as current`);
  });

  it('a service that runs the current release leaves the row alone, and a row left deploying or paused becomes running', async () => {
    const [arn] = await taskDefinitions(1);
    await createService('reconcile-same', arn!);
    await createService('reconcile-paused', arn!);
    const same = seed(engine, 'reconcile-same', { region: 'us-east-1', cluster: CLUSTER, service: 'reconcile-same' }, [arn!]);
    const paused = seed(engine, 'reconcile-paused', { region: 'us-east-1', cluster: CLUSTER, service: 'reconcile-paused' }, [arn!], { status: 'paused' });

    await restartBerth(async () => undefined);

    expect(engine.store.deployments.get(same.deployment.id)).toMatchObject({ status: 'running', currentReleaseId: same.deployment.currentReleaseId, updatedAt: same.deployment.updatedAt });
    expect(engine.store.deployments.get(paused.deployment.id)).toMatchObject({ status: 'running', currentReleaseId: paused.deployment.currentReleaseId });
    for (const id of [same.deployment.id, paused.deployment.id]) expect(systemLines(engine, id).filter((text) => text.startsWith('[RECONCILE]'))).toEqual([]);
  });

  it('a service that runs a task definition Berth never deployed gets a line saying what to do, and the releases stay as they were', async () => {
    const [deployed, foreign] = await taskDefinitions(2);
    await createService('reconcile-foreign', deployed!);
    const { deployment, releases } = seed(engine, 'reconcile-foreign', { region: 'us-east-1', cluster: CLUSTER, service: 'reconcile-foreign' }, [deployed!]);

    await restartBerth(() => aws.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'reconcile-foreign', taskDefinition: foreign! })));

    expect(engine.store.deployments.get(deployment.id)).toMatchObject({ status: 'running', currentReleaseId: releases[0]!.id, imageRef: releases[0]!.imageRef });
    const line = systemLines(engine, deployment.id).find((text) => text.startsWith('[RECONCILE]'));
    expect(line).toContain(`ECS service reconcile-foreign runs ${foreign}, a task definition Berth did not deploy`);
    expect(line).toContain(`release ${releases[0]!.id} expects ${deployed}`);
    expect(line).toContain('Redeploy or roll back from Berth');

    // Said once: the next start finds the same foreign task definition and stays quiet about it…
    const foreignLines = () => systemLines(engine, deployment.id).filter((text) => text.includes('a task definition Berth did not deploy'));
    await restartBerth(async () => undefined);
    expect(foreignLines()).toHaveLength(1);
    // …and a different one is news again.
    const [another] = await taskDefinitions(1);
    await restartBerth(() => aws.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'reconcile-foreign', taskDefinition: another! })));
    expect(foreignLines()).toHaveLength(2);
    expect(foreignLines()[1]).toContain(`runs ${another}`);
  });

  it('credentials that cannot be found give a [RECONCILE] line for that deployment, no throw, and the next deployment is still reconciled', async () => {
    const home = makeTempDir('berth-ecs-reconcile-home-');
    writeFileSync(join(home.dir, 'config'), '');
    writeFileSync(join(home.dir, 'credentials'), '');
    const saved = { AWS_CONFIG_FILE: process.env['AWS_CONFIG_FILE'], AWS_SHARED_CREDENTIALS_FILE: process.env['AWS_SHARED_CREDENTIALS_FILE'] };
    process.env['AWS_CONFIG_FILE'] = join(home.dir, 'config');
    process.env['AWS_SHARED_CREDENTIALS_FILE'] = join(home.dir, 'credentials');
    try {
      const [arn] = await taskDefinitions(1);
      await createService('reconcile-after-bad', arn!);
      // Deployments are reconciled in project-name order: the one with the missing profile goes first.
      const bad = seed(engine, 'a-reconcile-bad-profile', { region: 'us-east-1', cluster: CLUSTER, service: 'reconcile-after-bad', profile: 'reconcile-missing-profile' }, [arn!]);
      const good = seed(engine, 'b-reconcile-after-bad', { region: 'us-east-1', cluster: CLUSTER, service: 'reconcile-after-bad' }, [arn!]);

      await restartBerth(() => aws.ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'reconcile-after-bad', force: true })));

      const badLine = systemLines(engine, bad.deployment.id).find((text) => text.startsWith('[RECONCILE]'));
      expect(badLine).toMatch(/^\[RECONCILE\] could not check the ECS service: ECS DescribeServices was refused: CredentialsProviderError: Could not load credentials/);
      expect(engine.store.deployments.get(bad.deployment.id)).toMatchObject({ status: 'running', currentReleaseId: bad.deployment.currentReleaseId, taskArn: bad.deployment.taskArn });
      expect(engine.store.deployments.get(good.deployment.id)?.status).toBe('stopped');
      expect(systemLines(engine, good.deployment.id)).toContain(`[RECONCILE] ECS service reconcile-after-bad no longer exists in cluster ${CLUSTER}`);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      home.cleanup();
    }
  });
});

describe('ECS start-up reconcile when AWS cannot be reached', () => {
  const data = makeTempDir('berth-ecs-reconcile-down-');
  let restoreEnvironment: () => void;
  let engine: Engine | undefined;
  let silent: Server | undefined;
  const sockets = new Set<Socket>();
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    // Credentials and region as with the emulator; the endpoint is what is missing.
    restoreEnvironment = useEmulatorEnvironment({ url: 'http://127.0.0.1:9', hostPort: '127.0.0.1:9', stop: async () => undefined });
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
    restoreEnvironment?.();
    data.cleanup();
    for (const cleanup of cleanups) cleanup();
  });

  it('an endpoint that refuses connections gives each deployment a [RECONCILE] line, start-up finishes and the rows are unchanged', async () => {
    const closedPort = await freePort();
    const endpoint = `http://127.0.0.1:${closedPort}`;
    engine = await startEngine(data.dir, endpoint);
    const first = seed(engine, 'reconcile-down-1', { region: 'us-east-1', cluster: CLUSTER, service: 'reconcile-down-1' }, ['arn:aws:ecs:us-east-1:123456789012:task-definition/down-1:1']);
    const second = seed(engine, 'reconcile-down-2', { region: 'us-east-1', cluster: CLUSTER, service: 'reconcile-down-2' }, ['arn:aws:ecs:us-east-1:123456789012:task-definition/down-2:1']);
    await engine.close();

    engine = await startEngine(data.dir, endpoint);

    for (const seeded of [first, second]) {
      const lines = systemLines(engine, seeded.deployment.id);
      expect(lines.filter((text) => text.startsWith('[RECONCILE] could not check the ECS service:'))).toHaveLength(1);
      expect(lines.find((text) => text.startsWith('[RECONCILE]'))).toMatch(/could not reach AWS|network error/);
      // The visible retries are in the deployment's log too.
      expect(lines.some((text) => text.startsWith('ECS DescribeServices failed with a network error'))).toBe(true);
      expect(engine.store.deployments.get(seeded.deployment.id)).toMatchObject({ status: 'running', currentReleaseId: seeded.deployment.currentReleaseId });
    }
  });

  it('an endpoint that accepts connections and never answers is given up after the reconcile time limit', async () => {
    silent = createServer((socket) => void sockets.add(socket));
    const port = await new Promise<number>((resolve) => silent!.listen(0, '127.0.0.1', () => resolve((silent!.address() as { port: number }).port)));
    // Its own data dir: the deployments of the test above would each wait out the limit at start-up.
    const own = makeTempDir('berth-ecs-reconcile-silent-');
    cleanups.push(own.cleanup);
    engine = await startEngine(own.dir, `http://127.0.0.1:${port}`);
    const { deployment } = seed(engine, 'reconcile-silent', { region: 'us-east-1', cluster: CLUSTER, service: 'reconcile-silent' }, ['arn:aws:ecs:us-east-1:123456789012:task-definition/silent:1']);
    const started = engine;
    const target = new EcsTarget({
      docker: started.docker,
      projects: started.store.projects,
      awsClients: (project) => clientsForProject(project, `http://127.0.0.1:${port}`, undefined),
      releasesOf: (deploymentId) => started.store.releases.listForDeployment(deploymentId),
      deployments: started.deployments,
      reconcileTimeoutMs: 1000,
    });
    const lines: string[] = [];
    const began = Date.now();
    await target.reconcile([started.store.deployments.get(deployment.id)!], (_, text) => lines.push(text));
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(lines).toContain('[RECONCILE] could not check the ECS service: AWS did not answer within 1 s');
    expect(started.store.deployments.get(deployment.id)?.status).toBe('running');
  }, 15_000);
});
