import { afterAll, describe, expect, it } from 'vitest';
import { startMonitorHarness, waitFor, type MonitorHarness } from './monitor-fixture';

// Restarts the shared dockerd (a fault test): keep it short, other tests may hiccup meanwhile.
interface Provisioning {
  provision: (parts: string[]) => Promise<void>;
  stopDockerd: (graceMs?: number) => Promise<void>;
}
async function provisioning(): Promise<Provisioning> {
  // @ts-expect-error plain JS module without types
  return (await import('../../../scripts/provision.js')) as Provisioning;
}

async function provisionDocker(): Promise<void> {
  await (await provisioning()).provision(['docker']);
}

async function restartDockerEngine(): Promise<void> {
  await (await provisioning()).stopDockerd();
  await provisionDocker();
}

describe('monitoring across a Docker engine restart', () => {
  let harness: MonitorHarness | undefined;
  afterAll(async () => {
    await harness?.close();
    // Whatever happened above, leave a running engine for the tests that follow.
    await provisionDocker();
  });

  it('records the crash of a container that died during the restart, and the log follower resumes without duplicates', async () => {
    harness = await startMonitorHarness();
    // Each start prints its own random id, so a replayed line is a duplicate and a new start is visible.
    const chatty = await harness.deploy({
      name: 'restart-logs',
      stopTimeout: 1,
      cmd: ['sh', '-c', 'r=$RANDOM$RANDOM; i=0; while true; do i=$((i+1)); echo "boot $r line $i"; sleep 0.05; done'],
    });
    const doomed = await harness.deploy({ name: 'restart-dies', stopTimeout: 1, restartPolicy: 'no', cmd: ['sh', '-c', 'while true; do echo alive; sleep 0.2; done'] });
    // It ignores SIGTERM, so the engine's shutdown takes its whole stop timeout (8 s) while Docker still
    // answers: the chatty container, already stopped by then, must not be taken for one stopped by hand.
    await harness.deploy({ name: 'restart-slow-stop', stopTimeout: 8, cmd: ['sh', '-c', "trap '' TERM; while true; do sleep 0.2; done"] });
    const runtimeTexts = (id: string) =>
      harness!.engine.store.logLines
        .since(id, 0, 1_000_000)
        .filter((line) => line.source === 'runtime' && line.stream !== 'system')
        .map((line) => line.text);
    await waitFor('runtime lines before the restart', () => runtimeTexts(chatty.deployment.id).length > 10);
    const firstBoot = runtimeTexts(chatty.deployment.id)[0]!.split(' ')[1];

    await restartDockerEngine();

    // The container with no restart policy died with the engine: its crash is recorded once.
    await waitFor('the crash of the doomed container', () => harness!.systemLines(doomed.deployment.id).some((text) => text.startsWith('[CRASH] exit=')), 60_000);
    expect(harness.systemLines(doomed.deployment.id).filter((text) => text.startsWith('[CRASH] exit='))).toEqual(['[CRASH] exit=137 oom=false']);
    expect(harness.engine.store.deployments.get(doomed.deployment.id)).toMatchObject({ status: 'crashed', lastExitCode: 137 });
    expect(harness.notifications.filter((n) => n.deploymentId === doomed.deployment.id).map((n) => n.kind)).toEqual(['crash']);

    // unless-stopped brought the chatty one back; its follower re-attached and stored the new boot.
    await waitFor(
      'lines from the second boot',
      () => runtimeTexts(chatty.deployment.id).filter((text) => !text.startsWith(`boot ${firstBoot} `)).length > 10,
      60_000,
    );
    await waitFor('running again', () => harness!.engine.store.deployments.get(chatty.deployment.id)!.status === 'running');
    const texts = runtimeTexts(chatty.deployment.id);
    expect(new Set(texts).size).toBe(texts.length);
    // No gap either: every line of the first boot up to its last stored one is there.
    const firstBootNumbers = texts.filter((text) => text.startsWith(`boot ${firstBoot} `)).map((text) => Number(text.split(' ')[3]));
    expect(firstBootNumbers).toEqual(firstBootNumbers.map((_, index) => index + 1));
  });
});
