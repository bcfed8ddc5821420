// ECS failures through the real runner: credentials missing or refused → AUTHENTICATION_FAILED at
// auth; a rollout that never completes → rolled back to the previous task definition; moto down →
// INFRASTRUCTURE_NETWORK_FAILURE after visible retries.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { finished as isFinished, startEcsHarness, type EcsHarness } from './ecs-harness';
import { freePort, startMoto, startRegistry, useEmulatorEnvironment, type RunningServer } from '../../support/aws-emulator';
import { makeTempDir } from '../../support/temp-dir';

/** Replaces environment variables for one test; returns the restore. */
function withEnvironment(changes: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(changes).map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

describe('ECS credentials', () => {
  let moto: RunningServer;
  let restoreEnvironment: () => void;
  let harness: EcsHarness;
  let restoreTest: (() => void) | undefined;
  const home = makeTempDir('berth-ecs-home-');

  beforeAll(async () => {
    // IAM authentication on from the first request: moto refuses access keys it never issued.
    moto = await startMoto({ enforceAuth: true });
    restoreEnvironment = useEmulatorEnvironment(moto);
    mkdirSync(join(home.dir, '.aws'));
    harness = await startEcsHarness(moto);
  });

  afterEach(() => {
    restoreTest?.();
    restoreTest = undefined;
  });

  afterAll(async () => {
    await harness?.close();
    restoreEnvironment?.();
    await moto?.stop();
    home.cleanup();
  });

  const settings = { region: 'us-east-1', cluster: 'ecs-auth-cluster', createService: true, publicUrl: 'http://127.0.0.1:9/' };

  it('no credentials anywhere → AUTHENTICATION_FAILED at auth, saying what to set', async () => {
    // No keys, no shared files, no instance metadata: the default chain has nothing to find.
    restoreTest = withEnvironment({
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: join(home.dir, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home.dir, '.aws', 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const { run } = await harness.engine.controller.deploy(harness.project(settings));
    const finished = await harness.waitForRun(run.id);
    expect(finished.status).toBe('failed');
    expect(finished.failure).toMatchObject({ stage: 'auth', code: 'AUTHENTICATION_FAILED', category: 'auth_failure', retryable: false });
    expect(finished.failure?.likelyCause).toContain('settings.ecs.profile');
    expect(finished.failure?.likelyCause).toContain('AWS_ACCESS_KEY_ID');
    expect(finished.steps.find((step) => step.name === 'build')?.status).toBe('skipped');
  });

  it('a profile that does not exist → AUTHENTICATION_FAILED naming the profile', async () => {
    restoreTest = withEnvironment({ AWS_CONFIG_FILE: join(home.dir, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home.dir, '.aws', 'credentials') });
    const { run } = await harness.engine.controller.deploy(harness.project({ ...settings, profile: 'ecs-missing-profile' }));
    const finished = await harness.waitForRun(run.id);
    expect(finished.failure).toMatchObject({ stage: 'auth', code: 'AUTHENTICATION_FAILED' });
    expect(finished.failure?.likelyCause).toContain('ecs-missing-profile');
  });

  it('keys the emulator never issued → AUTHENTICATION_FAILED with the service\'s refusal', async () => {
    restoreTest = withEnvironment({ AWS_ACCESS_KEY_ID: 'AKIAECSINVALIDKEY000', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret' });
    const { run } = await harness.engine.controller.deploy(harness.project(settings));
    const finished = await harness.waitForRun(run.id);
    expect(finished.failure).toMatchObject({ stage: 'auth', code: 'AUTHENTICATION_FAILED' });
    expect(finished.failure?.likelyCause).toMatch(/InvalidClientTokenId|security token/i);
    expect(finished.failure?.evidence.line).toMatch(/AWS authentication failed/);
  });
});

describe('ECS rollout that never completes', () => {
  let moto: RunningServer;
  let registry: RunningServer;
  let restoreEnvironment: () => void;
  let harness: EcsHarness;

  beforeAll(async () => {
    // moto's default: a service's deployment stays IN_PROGRESS with no running task.
    [moto, registry] = await Promise.all([startMoto({ servicesRunning: 0 }), startRegistry()]);
    restoreEnvironment = useEmulatorEnvironment(moto);
    harness = await startEcsHarness(moto);
  });

  afterAll(async () => {
    await harness?.close();
    restoreEnvironment?.();
    await Promise.all([moto?.stop(), registry?.stop()]);
  });

  it('times out, appends diagnostics and points the service back at the previous task definition', async () => {
    const cluster = 'ecs-rollout-cluster';
    const service = 'ecs-rollout-service';
    const project = harness.project({ region: 'us-east-1', cluster, service, registryHost: registry.hostPort, publicUrl: 'http://127.0.0.1:9/', rolloutTimeoutMs: 3_000 });
    // The release that is live: revision 1 of the family, registered and deployed before Berth's run
    // (moto cannot complete a rollout, so it cannot come from an earlier Berth run here).
    await harness.aws.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const previous = await harness.aws.ecs.send(
      new RegisterTaskDefinitionCommand({ family: `berth-${project.slug}`, containerDefinitions: [{ name: project.slug, image: `${registry.hostPort}/berth-${project.slug}:previous`, memory: 128 }] }),
    );
    const previousArn = previous.taskDefinition!.taskDefinitionArn!;
    const created = await harness.aws.ecs.send(new CreateServiceCommand({ cluster, serviceName: service, taskDefinition: previousArn, desiredCount: 1 }));
    const store = harness.engine.store;
    const deployment = store.deployments.create(project.id, 'ecs');
    const seedRun = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: ['done'], rollbackOfReleaseId: null });
    const release = store.releases.create({ deploymentId: deployment.id, runId: seedRun.id, imageRef: `${registry.hostPort}/berth-${project.slug}:previous`, taskDefinitionArn: previousArn });
    store.runs.update(seedRun.id, { status: 'completed' });
    store.deployments.update(deployment.id, { status: 'running', currentReleaseId: release.id, taskArn: created.service!.serviceArn! });

    const { run } = await harness.engine.controller.deploy(project);
    const finished = await harness.waitForRun(run.id);
    expect(finished.status).toBe('failed');
    expect(finished.failure).toMatchObject({ stage: 'rollout', code: 'DEPLOYMENT_FAILED_GENERIC' });
    expect(finished.failure?.likelyCause).toContain(`rolled back to ${previousArn}`);
    const lines = harness.stepLines(finished, 'rollout');
    expect(lines.some((text) => text.startsWith('rollout IN_PROGRESS: running 0/1'))).toBe(true);
    expect(lines.some((text) => text.startsWith('Error: rollout did not complete within 3 s'))).toBe(true);
    expect(lines).toContain('ECS diagnostics:');
    expect(lines).toContain(`[ROLLBACK] rollout failed; restoring the previous task definition ${previousArn}`);

    const described = (await harness.aws.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services![0]!;
    expect(described.taskDefinition).toBe(previousArn);
    expect(store.deployments.get(deployment.id)).toMatchObject({ currentReleaseId: release.id, status: 'running' });
  });
});

describe('ECS run controls', () => {
  let moto: RunningServer;
  let registry: RunningServer;
  let restoreEnvironment: () => void;
  let harness: EcsHarness;

  beforeAll(async () => {
    [moto, registry] = await Promise.all([startMoto({ servicesRunning: 0 }), startRegistry()]);
    restoreEnvironment = useEmulatorEnvironment(moto);
    harness = await startEcsHarness(moto);
    await harness.aws.ecs.send(new CreateClusterCommand({ clusterName: 'ecs-controls-cluster' }));
  });

  afterAll(async () => {
    await harness?.close();
    restoreEnvironment?.();
    await Promise.all([moto?.stop(), registry?.stop()]);
  });

  it('stopping a run while it waits for the rollout aborts the wait: the run is stopped, not failed', async () => {
    const project = harness.project({
      region: 'us-east-1',
      cluster: 'ecs-controls-cluster',
      service: 'ecs-controls-service',
      registryHost: registry.hostPort,
      publicUrl: 'http://127.0.0.1:9/',
      createService: true,
      // Far longer than the test may take: only the stop request can end this rollout.
      rolloutTimeoutMs: 3_600_000,
    });
    const { run } = await harness.engine.controller.deploy(project);
    const waiting = await harness.waitForRun(run.id, (current) => current.steps.find((step) => step.name === 'rollout')?.status === 'running' || isFinished(current));
    expect(waiting.failure).toBeNull();
    await harness.engine.controller.stop(run.id);
    const finished = await harness.waitForRun(run.id, undefined, 20_000);
    expect(finished.status).toBe('stopped');
    expect(finished.failure).toBeNull();
    expect(finished.steps.find((step) => step.name === 'verify')?.status).toBe('skipped');
  });

  it('stop with deleteServiceOnStop scales the service to 0, then deletes it', async () => {
    const project = harness.engine.store.projects.list().find((candidate) => candidate.settings.ecs?.service === 'ecs-controls-service')!;
    harness.engine.store.projects.update(project.id, { settings: { ...project.settings, ecs: { ...project.settings.ecs, deleteServiceOnStop: true } } });
    const deployment = harness.engine.store.deployments.forProjectTarget(project.id, 'ecs')!;
    expect(await harness.engine.controller.stopDeployment(deployment.id)).toMatchObject({ status: 'stopped' });
    const stopped = await harness.engine.controller.whenStopped(deployment.id);
    expect(stopped).toMatchObject({ status: 'stopped', taskArn: null });
    const service = (await harness.aws.ecs.send(new DescribeServicesCommand({ cluster: 'ecs-controls-cluster', services: ['ecs-controls-service'] }))).services![0]!;
    expect(service).toMatchObject({ status: 'INACTIVE', desiredCount: 0 });
    harness.engine.logs.flush();
    const system = harness.engine.store.logLines.since(deployment.id, 0, 100_000).filter((line) => line.stream === 'system').map((line) => line.text);
    expect(system).toEqual(expect.arrayContaining(['[STOP] scaling ECS service ecs-controls-service to 0', '[STOP] deleting ECS service ecs-controls-service']));
  });
});

describe('AWS unreachable', () => {
  let harness: EcsHarness;
  let restoreEnvironment: () => void;

  beforeAll(async () => {
    // An endpoint nobody listens on (a port just freed on loopback).
    const port = await freePort();
    const nowhere: RunningServer = { url: `http://127.0.0.1:${port}`, hostPort: `127.0.0.1:${port}`, stop: async () => undefined };
    restoreEnvironment = useEmulatorEnvironment(nowhere);
    harness = await startEcsHarness(nowhere);
  });

  afterAll(async () => {
    await harness?.close();
    restoreEnvironment?.();
  });

  it('retries with backoff, shows each retry, then fails with the retryable INFRASTRUCTURE_NETWORK_FAILURE', async () => {
    const { run } = await harness.engine.controller.deploy(harness.project({ region: 'us-east-1', cluster: 'ecs-nowhere' }));
    const finished = await harness.waitForRun(run.id);
    expect(finished.failure).toMatchObject({ stage: 'auth', code: 'INFRASTRUCTURE_NETWORK_FAILURE', retryable: true, category: 'infrastructure_failure' });
    const retries = harness.stepLines(finished, 'auth').filter((text) => /STS GetCallerIdentity failed with a network error .*; retry \d of 3/.test(text));
    expect(retries).toHaveLength(3);
  });
});
