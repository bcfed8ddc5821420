// ECS runtime monitoring against a real moto_server: CloudWatch Logs into the log store, CloudWatch
// metrics into the metrics API, stopped tasks into [CRASH] lines. The engine and its HTTP API are real.
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, SubmitContainerStateChangeCommand } from '@aws-sdk/client-ecs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, LogLine, MetricSample, Project } from '../../../shared';
import { EcsMonitor } from '../../../electron/engine/monitor/ecs/ecs-monitor';
import { createAwsClients, type AwsClients } from '../../../electron/engine/aws/aws-clients';
import { freePort, startMoto, useEmulatorEnvironment, type RunningServer } from '../../support/aws-emulator';
import { startTestHost, type TestHost } from '../../support/host';

const CLUSTER = 'ecs-monitor-cluster';
const SERVICE = 'ecs-monitor-service';
const LOG_GROUP = '/berth/ecs-monitor-test';

describe('ECS monitoring against moto_server', () => {
  let moto: RunningServer;
  let restoreEnvironment: () => void;
  let host: TestHost;
  let aws: AwsClients;
  let monitor: EcsMonitor;
  let project: Project;
  let deployment: Deployment;

  beforeAll(async () => {
    moto = await startMoto();
    restoreEnvironment = useEmulatorEnvironment(moto);
    host = await startTestHost({ config: { awsEndpoint: moto.url }, monitor: (context) => new EcsMonitor(context, { timers: false }) });
    monitor = host.engine.monitor as EcsMonitor;
    aws = createAwsClients({ endpoint: moto.url });
    await aws.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    const taskDefinition = await aws.ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'berth-ecs-monitor', containerDefinitions: [{ name: 'ecs-monitor', image: 'berth-test/busybox:1', memory: 128 }] }),
    );
    await aws.ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: SERVICE, taskDefinition: taskDefinition.taskDefinition!.taskDefinitionArn, desiredCount: 1 }));
    await aws.logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));

    const created = await host.json<Project>('/api/projects', {
      method: 'POST',
      body: JSON.stringify({
        name: 'ecs-monitor',
        sourceDir: '/tmp',
        target: 'ecs',
        settings: { port: 8080, ecs: { region: 'us-east-1', cluster: CLUSTER, service: SERVICE, logGroup: LOG_GROUP, cpu: 512, memoryMb: 1024 } },
      }),
    });
    expect(created.status).toBe(200);
    project = created.body;
    const store = host.engine.store;
    deployment = store.deployments.create(project.id, 'ecs');
    store.deployments.update(deployment.id, { status: 'running', startedAt: Date.now() - 60_000 });
  });

  afterAll(async () => {
    await host?.stop();
    aws?.destroy();
    restoreEnvironment?.();
    await moto?.stop();
  });

  const runtimeLines = async (): Promise<LogLine[]> => {
    const { body } = await host.json<{ lines: LogLine[] }>(`/api/deployments/${deployment.id}/logs?since=0&limit=5000`);
    return body.lines.filter((line) => line.source === 'runtime' && line.stream !== 'system');
  };

  const putEvents = (stream: string, events: { timestamp: number; message: string }[]) =>
    aws.logs.send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: stream, logEvents: events }));

  it('tails the last 50 CloudWatch events, then follows new ones in order without duplicates, equal timestamps included', async () => {
    const streamA = 'berth/ecs-monitor/task-a';
    const streamB = 'berth/ecs-monitor/task-b';
    await aws.logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: streamA }));
    await aws.logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: streamB }));
    // A stream of another container in the same group is not this service's output.
    await aws.logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: 'berth/other/task-z' }));
    const base = Date.now() - 120_000;
    await putEvents(streamA, Array.from({ length: 60 }, (_, index) => ({ timestamp: base + index, message: `old ${index}` })));
    await putEvents('berth/other/task-z', [{ timestamp: base + 70, message: 'not ours' }]);

    monitor.watch(deployment.id);
    await monitor.tick(deployment.id, { logs: true });
    const tail = (await runtimeLines()).map((line) => line.text);
    expect(tail).toEqual(Array.from({ length: 50 }, (_, index) => `old ${index + 10}`));

    // Equal timestamps, spread over two streams, one of them multi-line.
    const same = Date.now() - 30_000;
    await putEvents(streamA, [
      { timestamp: same, message: 'same a1' },
      { timestamp: same, message: 'same a2' },
      { timestamp: same + 1, message: 'after a3' },
    ]);
    await putEvents(streamB, [
      { timestamp: same, message: 'same b1' },
      { timestamp: same + 1, message: 'after b2 line 1\nafter b2 line 2' },
    ]);
    await monitor.tick(deployment.id, { logs: true });
    // Polling again re-reads the overlap window: nothing may come twice.
    await monitor.tick(deployment.id, { logs: true });

    const lines = await runtimeLines();
    const fresh = lines.slice(50).map((line) => line.text);
    expect(fresh).toHaveLength(6);
    expect(new Set(fresh).size).toBe(6);
    expect(fresh.slice(0, 3).sort()).toEqual(['same a1', 'same a2', 'same b1']);
    expect(fresh.indexOf('same a1')).toBeLessThan(fresh.indexOf('same a2'));
    expect(fresh.slice(3).sort()).toEqual(['after a3', 'after b2 line 1', 'after b2 line 2']);
    expect(fresh.indexOf('after b2 line 1')).toBeLessThan(fresh.indexOf('after b2 line 2'));
    // Timestamps come from CloudWatch and never go backwards.
    const times = lines.map((line) => Date.parse(line.ts));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(lines.slice(50, 53).every((line) => Date.parse(line.ts) === same)).toBe(true);
    expect(lines.some((line) => line.text === 'not ours')).toBe(false);

    // A restarted monitor resumes from the stored cursor instead of re-tailing.
    monitor.unwatch(deployment.id);
    await putEvents(streamB, [{ timestamp: same + 2, message: 'after restart' }]);
    monitor.watch(deployment.id);
    await monitor.tick(deployment.id, { logs: true });
    const resumed = (await runtimeLines()).map((line) => line.text);
    expect(resumed.slice(56)).toEqual(['after restart']);
  });

  it('metric data put into CloudWatch appears in the metrics API as samples of the same shape', async () => {
    const dimensions = [
      { Name: 'ClusterName', Value: CLUSTER },
      { Name: 'ServiceName', Value: SERVICE },
    ];
    const minute = Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000;
    await aws.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/ECS',
        MetricData: [
          { MetricName: 'CPUUtilization', Dimensions: dimensions, Timestamp: new Date(minute), Value: 50, Unit: 'Percent' },
          { MetricName: 'MemoryUtilization', Dimensions: dimensions, Timestamp: new Date(minute), Value: 25, Unit: 'Percent' },
          { MetricName: 'CPUUtilization', Dimensions: dimensions, Timestamp: new Date(minute + 60_000), Value: 100, Unit: 'Percent' },
          { MetricName: 'MemoryUtilization', Dimensions: dimensions, Timestamp: new Date(minute + 60_000), Value: 50, Unit: 'Percent' },
        ],
      }),
    );
    if (!monitor.isWatching(deployment.id)) monitor.watch(deployment.id);
    await monitor.tick(deployment.id, { metrics: true });
    // A second round must not duplicate minutes it already stored.
    await monitor.tick(deployment.id, { metrics: true });

    const { status, body } = await host.json<{ totalSamples: number; samples: MetricSample[] }>(`/api/deployments/${deployment.id}/metrics`);
    expect(status).toBe(200);
    expect(body.totalSamples).toBe(2);
    // 512 CPU units are half a core: 50 % of the reservation is 25 % of one CPU.
    expect(body.samples).toEqual([
      { deploymentId: deployment.id, sampledAt: new Date(minute).toISOString(), cpuPct: 25, memUsedMb: 256, memLimitMb: 1024 },
      { deploymentId: deployment.id, sampledAt: new Date(minute + 60_000).toISOString(), cpuPct: 50, memUsedMb: 512, memLimitMb: 1024 },
    ]);
  });

  it('a stopped task whose container exited 137 with an OutOfMemoryError reason becomes [CRASH] exit=137 oom=true and a crashed deployment', async () => {
    if (!monitor.isWatching(deployment.id)) monitor.watch(deployment.id);
    const taskDefinition = await aws.ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'berth-ecs-monitor', containerDefinitions: [{ name: 'ecs-monitor', image: 'berth-test/busybox:1', memory: 128 }] }),
    );
    // moto starts no tasks for services; RunTask with the service's group stands in for the scheduler.
    const started = await aws.ecs.send(
      new RunTaskCommand({ cluster: CLUSTER, taskDefinition: taskDefinition.taskDefinition!.taskDefinitionArn, launchType: 'FARGATE', group: `service:${SERVICE}` }),
    );
    const taskArn = started.tasks![0]!.taskArn!;
    await monitor.tick(deployment.id, { tasks: true });
    expect(host.engine.store.logLines.since(deployment.id, 0, 10_000).some((line) => line.text.startsWith('[CRASH]'))).toBe(false);

    await aws.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: taskArn, reason: 'Essential container in task exited' }));
    // What the ECS agent reports for an OOM kill (moto lacks the action; test/support/moto_server.py adds it).
    await aws.ecs.send(
      new SubmitContainerStateChangeCommand({
        cluster: CLUSTER,
        task: taskArn,
        containerName: 'ecs-monitor',
        status: 'STOPPED',
        exitCode: 137,
        reason: 'OutOfMemoryError: Container killed due to memory usage',
      }),
    );
    await monitor.tick(deployment.id, { tasks: true });

    const system = host.engine.store.logLines.since(deployment.id, 0, 10_000).filter((line) => line.stream === 'system').map((line) => line.text);
    expect(system).toContain('[CRASH] exit=137 oom=true');
    expect(system.some((text) => text.includes(`stopped task ${taskArn.split('/').pop()}`) && text.includes('OutOfMemoryError'))).toBe(true);
    const current = (await host.json<Deployment>(`/api/deployments/${deployment.id}`)).body;
    expect(current.status).toBe('crashed');

    // Reported once: the next round finds nothing new.
    await monitor.tick(deployment.id, { tasks: true });
    const crashes = host.engine.store.logLines.since(deployment.id, 0, 10_000).filter((line) => line.text.startsWith('[CRASH] exit='));
    expect(crashes).toHaveLength(1);
  });

  it('health: three failed probes of the public URL make it unreachable, one success restores running', async () => {
    const port = await freePort();
    const created = await host.json<Project>('/api/projects', {
      method: 'POST',
      body: JSON.stringify({
        name: 'ecs-monitor-health',
        sourceDir: '/tmp',
        target: 'ecs',
        settings: { port: 8080, healthPath: '/health', ecs: { region: 'us-east-1', cluster: CLUSTER, service: SERVICE, logGroup: LOG_GROUP, publicUrl: `http://127.0.0.1:${port}` } },
      }),
    });
    const store = host.engine.store;
    const probed = store.deployments.create(created.body.id, 'ecs');
    store.deployments.update(probed.id, { status: 'running', startedAt: Date.now() });
    monitor.watch(probed.id);
    const systemLines = () => store.logLines.since(probed.id, 0, 10_000).filter((line) => line.stream === 'system').map((line) => line.text);

    // Nothing listens on the port yet.
    await monitor.tick(probed.id, { health: true });
    await monitor.tick(probed.id, { health: true });
    expect(store.deployments.get(probed.id)?.status).toBe('running');
    await monitor.tick(probed.id, { health: true });
    expect(store.deployments.get(probed.id)).toMatchObject({ status: 'unreachable', health: 'unreachable' });
    expect(systemLines().filter((text) => text.startsWith('[UNHEALTHY] health probe failed 3 times'))).toHaveLength(1);
    await monitor.tick(probed.id, { health: true });
    expect(systemLines().filter((text) => text.startsWith('[UNHEALTHY]'))).toHaveLength(1);

    const app: Server = createServer((request, response) => response.writeHead(request.url === '/health' ? 200 : 404).end('ok'));
    await new Promise<void>((resolve) => app.listen(port, '127.0.0.1', resolve));
    try {
      await monitor.tick(probed.id, { health: true });
    } finally {
      await new Promise((resolve) => app.close(resolve));
    }
    expect(store.deployments.get(probed.id)).toMatchObject({ status: 'running', health: 'healthy' });
    expect(systemLines()).toContain('[HEALTHY] health probe answers again; status running');
    const probes = (await host.json<{ ok: boolean }[]>(`/api/deployments/${probed.id}/health-probes`)).body;
    expect(probes.map((entry) => entry.ok)).toEqual([false, false, false, false, true]);
    monitor.unwatch(probed.id);
  });
});
