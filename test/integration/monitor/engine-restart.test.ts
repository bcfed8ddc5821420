import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/temp-dir';
import { startMonitorHarness, waitFor, type MonitorHarness } from './monitor-fixture';

describe('monitoring across a Berth engine restart', () => {
  const temp = makeTempDir('berth-monitor-restart-');
  let first: MonitorHarness | undefined;
  let second: MonitorHarness | undefined;
  afterAll(async () => {
    await second?.close();
    // If the test failed before the second engine started, the first one's containers are still there.
    await Promise.all((first?.containers ?? []).map((id) => first!.docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
    temp.cleanup();
  });

  it('a death while Berth was down is recorded on start, and runtime logs resume with no duplicate and no gap', async () => {
    const firstEngine = await startMonitorHarness({}, temp.dir);
    first = firstEngine;
    const chatty = await firstEngine.deploy({ name: 'engine-restart-logs', cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "line $i"; sleep 0.05; done'] });
    const doomed = await firstEngine.deploy({ name: 'engine-restart-dies', restartPolicy: 'no', cmd: ['sh', '-c', 'while true; do echo alive; sleep 0.2; done'] });
    const numbers = (harness: MonitorHarness) =>
      harness.engine.store.logLines
        .since(chatty.deployment.id, 0, 1_000_000)
        .filter((line) => line.source === 'runtime' && line.stream === 'stdout')
        .map((line) => Number(line.text.split(' ')[1]));
    await waitFor('runtime lines', () => numbers(firstEngine).length > 10);
    const storedBefore = numbers(firstEngine).length;
    await firstEngine.closeEngine();

    // While Berth is down: one app dies, the other keeps printing.
    await firstEngine.docker.getContainer(doomed.containerId).kill();
    const printedWhileDown = async () => {
      const tail = (await firstEngine.docker.getContainer(chatty.containerId).logs({ stdout: true, tail: 1, follow: false })) as unknown as Buffer;
      return Number(/line (\d+)/.exec(tail.toString('latin1'))?.[1] ?? 0);
    };
    await waitFor('more lines while Berth is down', async () => (await printedWhileDown()) > storedBefore + 20);

    second = await startMonitorHarness({}, temp.dir, firstEngine.containers);
    await waitFor('the crash found on start', () => second!.systemLines(doomed.deployment.id).some((text) => text.startsWith('[CRASH] exit=')));
    expect(second.systemLines(doomed.deployment.id).filter((text) => text.startsWith('[CRASH]'))[0]).toBe('[CRASH] exit=137 oom=false');
    expect(second.engine.store.deployments.get(doomed.deployment.id)).toMatchObject({ status: 'crashed', lastExitCode: 137 });
    expect(second.notifications.map((n) => n.kind)).toEqual(['crash']);

    const target = (await printedWhileDown()) + 10;
    await waitFor('the follower to catch up past the restart', () => numbers(second!).at(-1)! >= target);
    const all = numbers(second);
    expect(all).toEqual(all.map((_, index) => index + 1));
  });
});
