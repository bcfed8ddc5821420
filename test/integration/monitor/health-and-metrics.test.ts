import { afterEach, describe, expect, it } from 'vitest';
import { UNHEALTHY_LINE } from '../../../electron/engine/monitor/health-poller';
import { startMonitorHarness, waitFor, type MonitorHarness } from './monitor-fixture';

describe('health and metrics on the real Docker engine', () => {
  let harness: MonitorHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('/health failing → [UNHEALTHY] after exactly 3 failures, unreachable, recovery once it answers; never restarted', async () => {
    harness = await startMonitorHarness();
    const monitor = harness.monitor;
    const { deployment, containerId } = await harness.deploy({ name: 'health' });
    const probes = () => harness!.engine.store.metrics.probes(deployment.id, 0, Date.now() + 1000);
    const current = () => harness!.engine.store.deployments.get(deployment.id)!;
    // httpd needs a moment to listen.
    await waitFor('a healthy probe', async () => {
      await monitor.probeAll();
      return current().health === 'healthy';
    });
    const startedAt = (await harness.docker.getContainer(containerId).inspect()).State.StartedAt;
    const exec = await harness.docker.getContainer(containerId).exec({ Cmd: ['rm', '/www/health'] });
    await exec.start({});
    await waitFor('the file to be gone', async () => (await exec.inspect()).ExitCode === 0);

    const before = probes().length;
    await monitor.probeAll();
    await monitor.probeAll();
    expect(probes().slice(before).map((probe) => probe.ok)).toEqual([false, false]);
    expect(harness.systemLines(deployment.id).filter((text) => text.startsWith('[UNHEALTHY]'))).toEqual([]);
    expect(current().status).toBe('running');

    await monitor.probeAll();
    expect(probes().slice(before).map((probe) => [probe.ok, probe.statusCode])).toEqual([
      [false, 404],
      [false, 404],
      [false, 404],
    ]);
    expect(harness.systemLines(deployment.id).filter((text) => text.startsWith('[UNHEALTHY]'))).toHaveLength(1);
    expect(harness.systemLines(deployment.id).find((text) => text.startsWith('[UNHEALTHY]'))).toContain(UNHEALTHY_LINE);
    expect(current()).toMatchObject({ status: 'unreachable', health: 'unreachable' });
    await monitor.probeAll();
    expect(harness.systemLines(deployment.id).filter((text) => text.startsWith('[UNHEALTHY]'))).toHaveLength(1);
    expect(harness.notifications.map((n) => n.kind)).toEqual(['unhealthy']);

    const restore = await harness.docker.getContainer(containerId).exec({ Cmd: ['sh', '-c', 'echo ok > /www/health'] });
    await restore.start({});
    await waitFor('the file to be back', async () => (await restore.inspect()).ExitCode === 0);
    await monitor.probeAll();
    expect(current()).toMatchObject({ status: 'running', health: 'healthy' });
    expect(harness.systemLines(deployment.id).some((text) => text.startsWith('[HEALTHY]'))).toBe(true);
    expect(harness.notifications.map((n) => n.kind)).toEqual(['unhealthy', 'recovered']);
    expect(harness.updates.filter((update) => update.id === deployment.id).map((update) => update.status)).toEqual(['running', 'unreachable', 'running']);
    // The rule never restarts the container.
    expect((await harness.docker.getContainer(containerId).inspect()).State.StartedAt).toBe(startedAt);
  });

  it('the poller and sampler run on their configured intervals; getMetrics returns the downsampled series', async () => {
    harness = await startMonitorHarness({ metricsIntervalMs: 150, healthIntervalMs: 150 });
    const { deployment } = await harness.deploy({ name: 'metrics', cmd: ['sh', '-c', 'mkdir -p /www; echo ok > /www/health; httpd -p 8080 -h /www; while true; do :; done'] });
    await waitFor('samples to accumulate', () => harness!.engine.store.metrics.samples(deployment.id, 0, Date.now() + 1000).length >= 6, 30_000);
    const samples = harness.engine.store.metrics.samples(deployment.id, 0, Date.now() + 1000);
    // A busy loop burns about one core (two are shared with other work on this machine).
    expect(Math.max(...samples.map((sample) => sample.cpuPct))).toBeGreaterThan(20);
    expect(samples.every((sample) => sample.memLimitMb === 64 && sample.memUsedMb > 0 && sample.memUsedMb < 64)).toBe(true);
    await waitFor('a probe', () => harness!.engine.store.metrics.probes(deployment.id, 0, Date.now() + 1000).some((probe) => probe.ok));

    const all = await harness.engine.dispatch('getMetrics', { id: deployment.id });
    expect(all.ok && all.value.samples.length).toBe(all.ok && all.value.totalSamples);
    const few = await harness.engine.dispatch('getMetrics', { id: deployment.id, points: 4 });
    if (!few.ok) throw new Error(few.error.message);
    expect(few.value.totalSamples).toBeGreaterThanOrEqual(6);
    expect(few.value.samples).toHaveLength(4);
    const stored = harness.engine.store.metrics.samples(deployment.id, 0, Date.now() + 1000);
    expect(few.value.samples[0]).toEqual(stored[0]);
  });
});
