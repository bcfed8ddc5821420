import { afterEach, describe, expect, it } from 'vitest';
import { startMonitorHarness, waitFor, type MonitorHarness } from './monitor-fixture';

describe('crash detection on the real Docker engine', () => {
  let harness: MonitorHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('docker kill → [CRASH] exit=137 oom=false, crashed, one notification, container removed', async () => {
    // The watch that tells a kill by hand from an engine shutdown, shortened: docker-restart.test.ts runs the real one.
    harness = await startMonitorHarness({}, undefined, [], { engineShutdownWatchMs: 3_000 });
    const { deployment, containerId } = await harness.deploy({ name: 'kill' });
    await waitFor('runtime lines', () => harness!.engine.store.logLines.lastLineNo(deployment.id) > 3);

    await harness.docker.getContainer(containerId).kill();

    await waitFor('the crash line', () => harness!.systemLines(deployment.id).some((text) => text.startsWith('[CRASH] exit=')));
    expect(harness.systemLines(deployment.id)).toContain('[CRASH] exit=137 oom=false');
    const crashed = await waitFor('the container to be removed', () => {
      const current = harness!.engine.store.deployments.get(deployment.id)!;
      return current.containerId === null ? current : null;
    });
    expect(crashed.status).toBe('crashed');
    expect(crashed.lastExitCode).toBe(137);
    expect(harness.notifications.filter((n) => n.deploymentId === deployment.id).map((n) => n.kind)).toEqual(['crash']);
    expect(harness.updates.some((update) => update.id === deployment.id && update.status === 'crashed')).toBe(true);
    await expect(harness.docker.getContainer(containerId).inspect()).rejects.toMatchObject({ statusCode: 404 });
    // The last lines before the crash are stored as runtime output.
    const lines = harness.engine.store.logLines.since(deployment.id, 0, 100_000);
    expect(lines.some((line) => line.source === 'runtime' && line.stream === 'stderr' && line.text.startsWith('warn '))).toBe(true);
  });

  it('a container over its memory limit → [CRASH] exit=137 oom=true and an oom notification', async () => {
    harness = await startMonitorHarness();
    const { deployment } = await harness.deploy({
      name: 'oom',
      memoryMb: 16,
      restartPolicy: 'no',
      keep: true,
      cmd: ['sh', '-c', 'echo starting; sleep 1; exec dd if=/dev/zero of=/dev/null bs=128M count=1'],
    });
    await waitFor('the crash line', () => harness!.systemLines(deployment.id).some((text) => text.startsWith('[CRASH] exit=')), 60_000);
    expect(harness.systemLines(deployment.id)).toContain('[CRASH] exit=137 oom=true');
    expect(harness.notifications.map((n) => n.kind)).toEqual(['oom']);
    // keepCrashedContainers: the dead container stays for debugging.
    const current = harness.engine.store.deployments.get(deployment.id)!;
    expect(current.containerId).not.toBeNull();
    expect(current.status).toBe('crashed');
  });

  it('a restart policy that brings the app back → [RESTART] and running; repeated crashes notify once as a crash loop', async () => {
    harness = await startMonitorHarness();
    const { deployment } = await harness.deploy({ name: 'loop', restartPolicy: 'on-failure', cmd: ['sh', '-c', 'echo up; sleep 1; exit 3'] });
    await waitFor('three crashes', () => harness!.systemLines(deployment.id).filter((text) => text === '[CRASH] exit=3 oom=false').length >= 3, 60_000);
    await waitFor('a restart line', () => harness!.systemLines(deployment.id).some((text) => text.startsWith('[RESTART]')));
    expect(harness.notifications.map((n) => n.kind)).toEqual(['crash', 'crash_loop']);
    expect(harness.updates.some((update) => update.id === deployment.id && update.status === 'running')).toBe(true);
  });
});
