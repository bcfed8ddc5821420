// One health rule everywhere: a health path that answers 302 (busybox httpd redirects `/health` to
// `/health/` when it is a directory) passes Docker verify, the monitors' 3-failure rule and ECS verify
// alike, because all three use health/probe.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, type Deployment } from '../../../shared';
import { createAwsClients } from '../../../electron/engine/aws/aws-clients';
import { DockerMonitor } from '../../../electron/engine/monitor/docker-monitor';
import { EcsTarget, type EcsRunState } from '../../../electron/engine/targets/ecs/ecs-target';
import type { StepContext } from '../../../electron/engine/targets/target';
import { makeTempDir } from '../../support/temp-dir';
import { startTestEngine, type TestEngine } from '../pipeline/support';

describe('a health path that answers 302', () => {
  const temp = makeTempDir('health-redirect-');
  let test: TestEngine;
  let monitor: DockerMonitor;
  let deployment: Deployment;

  beforeAll(async () => {
    writeFileSync(
      join(temp.dir, 'Dockerfile'),
      'FROM berth-test/busybox:1\nRUN mkdir -p /www/health && echo ok > /www/health/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n',
    );
    test = await startTestEngine({
      monitor: (context) => (monitor = new DockerMonitor(context)),
      config: { healthIntervalMs: 0, metricsIntervalMs: 0, healthTimeoutMs: 2000 },
    });
  });
  afterAll(async () => {
    await test?.close();
    temp.cleanup();
  });

  it('passes Docker verify: the deploy completes', async () => {
    const project = test.project('redirect', { healthPath: '/health', verifyTimeoutMs: 20_000 }, temp.dir);
    const run = await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
    expect(run.failure).toBeNull();
    expect(run.status).toBe('completed');
    deployment = test.engine.store.deployments.get(run.deploymentId)!;
    test.engine.logs.flush();
    const verifyLines = test.engine.store.logLines.since(deployment.id, 0, 1000).filter((line) => line.step === 'verify').map((line) => line.text);
    expect(verifyLines.some((line) => line.includes('HTTP 302'))).toBe(true);
  });

  it('passes monitoring: three probes later the deployment is still running and healthy, each probe recorded as a success', async () => {
    for (let probe = 0; probe < 3; probe++) await monitor.probeAll();
    expect(test.engine.store.deployments.get(deployment.id)).toMatchObject({ status: 'running', health: 'healthy' });
    const probes = test.engine.store.metrics.probes(deployment.id, 0, Date.now() + 1000);
    expect(probes.length).toBeGreaterThanOrEqual(3);
    expect(probes.every((probe) => probe.ok && probe.statusCode === 302)).toBe(true);
  });

  it('passes ECS verify against the same URL', async () => {
    const current = test.engine.store.deployments.get(deployment.id)!;
    const project = test.engine.store.projects.create({
      name: 'redirect-ecs',
      sourceDir: temp.dir,
      target: 'ecs',
      settings: projectSettingsSchema.parse({ healthPath: '/health', verifyTimeoutMs: 10_000, ecs: { region: 'us-east-1', publicUrl: `http://127.0.0.1:${current.hostPort}` } }),
    });
    const target = new EcsTarget({
      docker: test.engine.docker,
      projects: test.engine.store.projects,
      // Verify makes no AWS call when the probe passes (diagnostics only follow a failure).
      awsClients: () => createAwsClients({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'test', secretAccessKey: 'test-test-test-test' } }),
      deployments: test.engine.deployments,
      releasesOf: () => [],
      verifyIntervalMs: 100,
    });
    const lines: string[] = [];
    const write = (text: string): number => lines.push(text);
    const context = { step: 'verify', signal: new AbortController().signal, project, state: {}, stdout: write, stderr: write, system: write } as unknown as StepContext<EcsRunState>;
    await expect(target.runStep('verify', context)).resolves.toBeUndefined();
    expect(lines.some((line) => /Probe 1: HTTP 302/.test(line))).toBe(true);
  });
});
