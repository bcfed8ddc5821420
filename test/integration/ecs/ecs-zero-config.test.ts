// ECS gets zero-config builds for free: a folder with no Dockerfile (the Express fixture) goes through the
// real ECS pipeline against moto_server and a real local registry. Its build step scans and builds the
// generated Dockerfile FROM the provisioned runtime image (a real `npm ci`), the task definition takes the
// effective port and PORT, and verify probes the scan's health route through the project's public URL.
import { CreateClusterCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, startEcsHarness, type EcsHarness } from './ecs-harness';
import { freePort, startMoto, startRegistry, useEmulatorEnvironment, type RunningServer } from '../../support/aws-emulator';
import { fixtureDir, runtimeImageEnv } from '../zero-config/zero-config-harness';

const CLUSTER = 'ecs-zero-config-cluster';

describe('a zero-config server project on ECS (moto_server and a local registry)', () => {
  let moto: RunningServer;
  let registry: RunningServer;
  let restoreEnvironment: () => void;
  let harness: EcsHarness;

  beforeAll(async () => {
    const baseImageEnv = await runtimeImageEnv();
    [moto, registry] = await Promise.all([startMoto({ servicesRunning: 1 }), startRegistry()]);
    restoreEnvironment = useEmulatorEnvironment(moto);
    harness = await startEcsHarness(moto, { baseImageEnv });
    await harness.aws.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  }, 900_000);

  afterAll(async () => {
    await harness?.close();
    restoreEnvironment?.();
    await Promise.all([moto?.stop(), registry?.stop()]);
  });

  it('builds the generated Dockerfile, registers the effective port with PORT, and verifies the scan’s health route', async () => {
    const hostPort = await freePort();
    const project = harness.project(
      { region: 'us-east-1', cluster: CLUSTER, service: 'zero-config-service', registryHost: registry.hostPort, publicUrl: `http://127.0.0.1:${hostPort}`, createService: true, rolloutTimeoutMs: 30_000 },
      { verifyTimeoutMs: 60_000 },
      fixtureDir('express'),
    );
    const { run } = await harness.engine.controller.deploy(project);
    const imageRef = `${registry.hostPort}/berth-${project.slug}:${run.id}`;
    // Stand in for ECS starting the task: once publish is done, serve the pushed image at the public URL.
    const published = await harness.waitForRun(run.id, (current) => current.steps.find((step) => step.name === 'publish')?.status === 'success' || current.status === 'failed', 600_000);
    expect(published.failure, JSON.stringify(published.failure)).toBeNull();
    await harness.serve(imageRef, hostPort);

    const finished = await harness.waitForRun(run.id);
    expect(finished.failure, JSON.stringify(finished.failure)).toBeNull();
    expect(finished.status).toBe('completed');
    expect(finished.scan).toMatchObject({ shape: 'server', runtime: { name: 'node' }, startCommand: 'npm start', healthPath: '/health', buildVerification: { status: 'passed' } });
    const build = harness.stepLines(finished, 'build');
    expect(build.some((line) => line.startsWith('shape: server · node'))).toBe(true);
    expect(build.some((line) => line.startsWith('Dockerfile.berth, generated from the scan'))).toBe(true);
    expect(build.some((line) => /^Step \d+\/\d+ : RUN npm ci --omit=dev$/.test(line))).toBe(true);

    const release = harness.engine.store.releases.listForDeployment(finished.deploymentId)[0]!;
    const taskDefinition = await harness.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: release.taskDefinitionArn! }));
    const container = taskDefinition.taskDefinition!.containerDefinitions![0]!;
    expect(container.portMappings?.[0]?.containerPort).toBe(8080);
    expect(container.environment).toEqual([{ name: 'PORT', value: '8080' }]);
    expect(harness.stepLines(finished, 'verify').some((line) => line.startsWith(`Probing http://127.0.0.1:${hostPort}/health`))).toBe(true);
    expect(harness.engine.store.deployments.get(finished.deploymentId)).toMatchObject({ status: 'running', healthCheck: { path: '/health', rule: 'status_2xx_3xx' } });
    // The build stage's image stays local; the harness removes the project's tags.
    expect((await docker.getImage(imageRef).inspect()).Config?.Env).toContain('PORT=8080');
  }, 900_000);
});
