// A log-pattern rule and a memory-threshold rule, each on a container that produces what it looks for, fire
// once each (their cooldown is longer than the test) at a real loopback receiver.
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../support/http-receiver';
import { waitFor } from '../monitor/monitor-fixture';
import { startAlertsHarness, type AlertsHarness } from './alerts-harness';

describe('log-pattern and metric rules on real containers', () => {
  let harness: AlertsHarness | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await harness?.close();
    await receiver?.close();
  });

  it('a log pattern seen N times within the window fires once; another project printing the same lines does not count', async () => {
    receiver = await startReceiver();
    harness = await startAlertsHarness({ env: { NTFY: receiver.url } });
    const channel = await harness.channel({ kind: 'ntfy', name: 'ntfy', url: { env: 'NTFY' } });
    // Prints a payment error every 200 ms between ordinary lines; the other project prints the same errors.
    const script = 'i=0; while true; do i=$((i+1)); echo "GET /health 200"; echo "ERROR payment $i declined: card expired" >&2; sleep 0.2; done';
    const noisy = await harness.deploy({ name: 'payments', cmd: ['sh', '-c', script] });
    const other = await harness.deploy({ name: 'other', cmd: ['sh', '-c', script] });
    await harness.rule({
      name: 'payment errors',
      projectId: noisy.projectId,
      trigger: { type: 'log_pattern', pattern: 'ERROR payment \\d+ declined', caseSensitive: true, minMatches: 5, windowMs: 10_000 },
      cooldownMs: 3_600_000,
      channelIds: [channel],
    });
    const [first] = await receiver.waitFor(1);
    // It keeps printing: no second alert within the cooldown.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(receiver.requests).toHaveLength(1);
    const project = harness.engine.store.projects.get(noisy.projectId)!;
    expect(first!.headers['title']).toMatch(new RegExp(`^${project.name}: /ERROR payment \\\\d\\+ declined/ matched [5-9] times$`));
    expect(first!.body).toMatch(/^The log pattern matched [5-9] times within 10 seconds\. Last match: ERROR payment \d+ declined: card expired$/);
    // The other project's identical lines were stored, and matched nothing: the rule is the first project's.
    expect(harness.engine.store.logLines.since(other.deployment.id, 0, 1000).some((line) => /ERROR payment \d+ declined/.test(line.text))).toBe(true);
  });

  it('memory above 50% of the limit for 1 s fires once while it stays there', async () => {
    receiver = await startReceiver();
    harness = await startAlertsHarness({ config: { metricsIntervalMs: 400 }, env: { NTFY: receiver.url } });
    const channel = await harness.channel({ kind: 'ntfy', name: 'ntfy', url: { env: 'NTFY' } });
    await harness.rule({ name: 'memory', trigger: { type: 'metric', metric: 'memory', above: 50, forMs: 1000 }, cooldownMs: 0, channelIds: [channel] });
    // 40 MB in /dev/shm (memory of the container's cgroup) under a 64 MB limit: about 63%.
    const { deployment, projectId } = await harness.deploy({ name: 'memory', memoryMb: 64, cmd: ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=40 2>/dev/null; echo filled; sleep 3600'] });
    const [alert] = await receiver.waitFor(1);
    await waitFor('more samples above the threshold', () => harness!.engine.store.metrics.samples(deployment.id, 0, Date.now()).filter((sample) => sample.memUsedMb / sample.memLimitMb > 0.5).length >= 8, 30_000);
    expect(receiver.requests).toHaveLength(1);
    const project = harness.engine.store.projects.get(projectId)!;
    expect(alert!.headers['title']).toBe(`${project.name}: memory above 50% of its limit for 1 second`);
    expect(alert!.body).toMatch(/^It uses \d+ MB of its 64 MB limit \(\d+\.\d%\)\.$/);
  });
});
