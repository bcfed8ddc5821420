// A full ECS run through the real pipeline runner: the Docker build, a push into a real local
// registry, task definition and service in moto_server, and verify against a real container running
// the pushed image. Then a redeploy whose verify fails rolls back to the previous task definition.
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, CreateClusterCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { docker, startEcsHarness, type EcsHarness } from './ecs-harness';
import { freePort, startMoto, startRegistry, useEmulatorEnvironment, type RunningServer } from '../../support/aws-emulator';

const CLUSTER = 'ecs-deploy-cluster';

describe('ECS deploy against moto_server and a local registry', () => {
  let moto: RunningServer;
  let registry: RunningServer;
  let restoreEnvironment: () => void;
  let harness: EcsHarness;
  let hostPort: number;
  let served: Dockerode.Container | undefined;

  beforeAll(async () => {
    // One running task per new service: moto's stand-in for a rollout that completes.
    [moto, registry] = await Promise.all([startMoto({ servicesRunning: 1 }), startRegistry()]);
    restoreEnvironment = useEmulatorEnvironment(moto);
    harness = await startEcsHarness(moto);
    await harness.aws.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    hostPort = await freePort();
  });

  afterAll(async () => {
    await harness?.close();
    restoreEnvironment?.();
    await Promise.all([moto?.stop(), registry?.stop()]);
  });

  const tagsIn = async (name: string): Promise<string[]> => {
    const response = await fetch(`${registry.url}/v2/${name}/tags/list`);
    if (response.status === 404) return [];
    return ((await response.json()) as { tags: string[] | null }).tags ?? [];
  };

  it('goes green: image in the registry, task definition with that image, service on the new revision, verify against the real app', async () => {
    const project = harness.project({
      region: 'us-east-1',
      cluster: CLUSTER,
      service: 'ecs-deploy-service',
      registryHost: registry.hostPort,
      publicUrl: `http://127.0.0.1:${hostPort}`,
      createService: true,
      rolloutTimeoutMs: 30_000,
    }, { env: [{ name: 'GREETING', value: 'hello' }, { name: 'API_TOKEN', value: 'ecs-s3cr3t-value', secret: true }] });
    const { run } = await harness.engine.controller.deploy(project);
    const repository = `berth-${project.slug}`;
    const imageRef = `${registry.hostPort}/${repository}:${run.id}`;

    // Stand in for ECS starting the task: once publish is done, pull the image back from the
    // registry and serve it where the project's public URL points.
    await harness.waitForRun(run.id, (current) => current.steps.find((step) => step.name === 'publish')?.status === 'success' || current.status === 'failed');
    expect(await tagsIn(repository)).toContain(run.id);
    await docker.getImage(imageRef).remove({ noprune: true });
    await new Promise<void>((resolve, reject) =>
      docker.pull(imageRef, {}, (error: Error | null, stream?: NodeJS.ReadableStream) =>
        error || !stream ? reject(error ?? new Error('no pull stream')) : docker.modem.followProgress(stream, (pullError: Error | null) => (pullError ? reject(pullError) : resolve())),
      ),
    );
    served = await harness.serve(imageRef, hostPort);

    const finished = await harness.waitForRun(run.id);
    expect(finished.failure).toBeNull();
    expect(finished.status).toBe('completed');
    expect(finished.steps.map((step) => [step.name, step.status])).toEqual([
      ['auth', 'success'],
      ['build', 'success'],
      ['publish', 'success'],
      ['setup', 'success'],
      ['deploy', 'success'],
      ['rollout', 'success'],
      ['verify', 'success'],
      ['done', 'success'],
    ]);
    expect(harness.stepLines(finished, 'auth').join('\n')).toContain('Authenticated as arn:aws:sts::123456789012:user/moto');

    const release = harness.engine.store.releases.listForDeployment(finished.deploymentId)[0]!;
    expect(release.imageRef).toBe(imageRef);
    expect(release.taskDefinitionArn).toMatch(new RegExp(`task-definition/berth-${project.slug}:1$`));
    const taskDefinition = await harness.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: release.taskDefinitionArn! }));
    const container = taskDefinition.taskDefinition!.containerDefinitions![0]!;
    expect(container.image).toBe(imageRef);
    expect(container.portMappings?.[0]?.containerPort).toBe(8080);
    expect(container.logConfiguration?.logDriver).toBe('awslogs');
    expect(container.logConfiguration?.options?.['awslogs-group']).toBe(`/berth/${project.slug}`);
    expect(container.environment).toEqual([
      { name: 'GREETING', value: 'hello' },
      { name: 'API_TOKEN', value: 'ecs-s3cr3t-value' },
      // The container port, as the app's PORT (docs/product-rules.md, "Monitoring").
      { name: 'PORT', value: '8080' },
    ]);
    // The secret reaches the task definition but never Berth's own log.
    const setupLines = harness.stepLines(finished, 'setup');
    expect(setupLines.some((text) => text.startsWith('Warning: secret env API_TOKEN go into the task definition'))).toBe(true);
    harness.engine.logs.flush();
    expect(harness.engine.store.logLines.since(finished.deploymentId, 0, 100_000).some((line) => line.text.includes('ecs-s3cr3t-value'))).toBe(false);
    const service = (await harness.aws.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['ecs-deploy-service'] }))).services![0]!;
    expect(service.taskDefinition).toBe(release.taskDefinitionArn);

    const deployment = harness.engine.store.deployments.get(finished.deploymentId)!;
    expect(deployment.status).toBe('running');
    expect(deployment.currentReleaseId).toBe(release.id);
    expect(deployment.publicUrl).toBe(`http://127.0.0.1:${hostPort}`);
    // moto lists no tasks for a service, so the deployment records the service ARN.
    expect(deployment.taskArn).toBe(service.serviceArn);
    expect(harness.stepLines(finished, 'verify').some((text) => text.startsWith('Probe') && text.includes('HTTP 200'))).toBe(true);
  });

  it('a redeploy whose verify fails rolls back to the previous task definition, with ECS diagnostics in the log', async () => {
    const project = harness.engine.store.projects.list().find((candidate) => candidate.settings.ecs?.service === 'ecs-deploy-service')!;
    const previous = harness.engine.store.releases.listForDeployment(harness.engine.store.deployments.forProjectTarget(project.id, 'ecs')!.id)[0]!;
    // The app stops answering: the new revision's verify has nothing to reach.
    await served?.remove({ force: true });
    const updated = harness.engine.store.projects.update(project.id, { settings: { ...project.settings, verifyTimeoutMs: 2_000 } })!;

    const { run } = await harness.engine.controller.deploy(updated);
    const finished = await harness.waitForRun(run.id);
    expect(finished.status).toBe('failed');
    expect(finished.failure?.code).toBe('DEPLOYMENT_VERIFICATION_FAILED');
    expect(finished.failure?.stage).toBe('verify');
    expect(finished.steps.find((step) => step.name === 'rollback')?.status).toBe('success');

    const service = (await harness.aws.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['ecs-deploy-service'] }))).services![0]!;
    expect(service.taskDefinition).toBe(previous.taskDefinitionArn);
    const verifyLines = harness.stepLines(finished, 'verify');
    expect(verifyLines).toContain('ECS diagnostics:');
    expect(verifyLines.some((text) => text.startsWith('service ecs-deploy-service: status ACTIVE'))).toBe(true);
    expect(harness.stepLines(finished, 'rollback')).toContain(`Service ecs-deploy-service now runs ${previous.taskDefinitionArn}`);
    // The new revision was registered (2) and is not what the service runs.
    expect(previous.taskDefinitionArn).toMatch(/:1$/);
    // The previous release still serves, so the deployment stays running.
    expect(harness.engine.store.deployments.get(finished.deploymentId)).toMatchObject({ currentReleaseId: previous.id, status: 'running' });
  });

  it('a manual rollback runs auth → rollback → rollout → verify → done and puts the earlier task definition back', async () => {
    const project = harness.engine.store.projects.list().find((candidate) => candidate.settings.ecs?.service === 'ecs-deploy-service')!;
    const deploymentId = harness.engine.store.deployments.forProjectTarget(project.id, 'ecs')!.id;
    const first = harness.engine.store.releases.listForDeployment(deploymentId).at(-1)!;
    served = await harness.serve(first.imageRef, hostPort);
    const redeploy = await harness.engine.controller.deploy(harness.engine.store.projects.update(project.id, { settings: { ...project.settings, verifyTimeoutMs: 30_000 } })!);
    const redeployed = await harness.waitForRun(redeploy.run.id);
    expect(redeployed.status).toBe('completed');
    const second = harness.engine.store.releases.listForDeployment(deploymentId)[0]!;
    expect(second.taskDefinitionArn).toMatch(/:3$/);

    const rollback = await harness.engine.controller.rollback(harness.engine.store.projects.get(project.id)!, first.id);
    const finished = await harness.waitForRun(rollback.id);
    expect(finished.status).toBe('completed');
    expect(finished.steps.map((step) => [step.name, step.status])).toEqual([
      ['auth', 'success'],
      ['rollback', 'success'],
      ['rollout', 'success'],
      ['verify', 'success'],
      ['done', 'success'],
    ]);
    const service = (await harness.aws.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['ecs-deploy-service'] }))).services![0]!;
    expect(service.taskDefinition).toBe(first.taskDefinitionArn);
    expect(harness.engine.store.deployments.get(deploymentId)).toMatchObject({ currentReleaseId: first.id, imageRef: first.imageRef, status: 'running' });
  });

  it('stop scales the service to 0 and marks the deployment stopped', async () => {
    const project = harness.engine.store.projects.list().find((candidate) => candidate.settings.ecs?.service === 'ecs-deploy-service')!;
    const deployment = harness.engine.store.deployments.forProjectTarget(project.id, 'ecs')!;
    expect((await harness.engine.controller.stopDeployment(deployment.id)).status).toBe('stopped');
    const stopped = await harness.engine.controller.whenStopped(deployment.id);
    expect(stopped?.status).toBe('stopped');
    const service = (await harness.aws.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['ecs-deploy-service'] }))).services![0]!;
    expect(service.desiredCount).toBe(0);
    expect(service.status).toBe('ACTIVE');
    harness.engine.logs.flush();
    const system = harness.engine.store.logLines.since(deployment.id, 0, 100_000).filter((line) => line.stream === 'system').map((line) => line.text);
    expect(system).toContain('[STOP] ECS service ecs-deploy-service scaled to 0');
  });
});
