// A `restart: always` container that exits at once, left crash-looping: one crash-loop alert per cooldown on the
// webhook, and a bounded number of desktop notifications. The windows are rule settings (crashLoop.windowMs,
// cooldownMs), so the test shortens them: a 30 s loop window and a 10 s cooldown over 45 s of looping (the
// defaults are 10 minutes each). Docker's own restart back-off (0.1 s, doubling, up to a minute) is real time
// and cannot be shortened: 45 s of it is about 9 crashes, the last ones 6, 13 and 26 s apart, so the loop
// alert and at least one reminder with a higher count fall inside it. BERTH_CRASH_LOOP_TEST_MS changes the
// loop's length for a run by hand.
import { afterEach, describe, expect, it } from 'vitest';
import type { Rule } from '../../../shared';
import { startReceiver, type Receiver } from '../../support/http-receiver';
import { waitFor } from '../monitor/monitor-fixture';
import { startAlertsHarness, type AlertsHarness } from './alerts-harness';

const LOOP_FOR_MS = Number(process.env['BERTH_CRASH_LOOP_TEST_MS'] ?? 45_000);
const COOLDOWN_MS = 10_000;
const WINDOW_MS = 30_000;

describe('a crash loop is one alert', () => {
  let harness: AlertsHarness | undefined;
  let hook: Receiver | undefined;
  afterEach(async () => {
    await harness?.close();
    await hook?.close();
  });

  it(`restart: always, exiting at once, for ${LOOP_FOR_MS / 1000} s: one crash-loop alert per cooldown, and a bounded number of desktop notifications`, async () => {
    hook = await startReceiver();
    harness = await startAlertsHarness({ env: { BERTH_HOOK_URL: hook.url, BERTH_HOOK_SECRET: 'whsec-crash-loop-0123456789' } });
    const channel = await harness.channel({ kind: 'webhook', name: 'hook', url: { env: 'BERTH_HOOK_URL' }, signingSecret: { env: 'BERTH_HOOK_SECRET' } });
    await harness.rule({ name: 'loops', trigger: { type: 'events', events: ['crash', 'crash_loop', 'recovered'], crashLoop: { crashes: 3, windowMs: WINDOW_MS } }, cooldownMs: COOLDOWN_MS, channelIds: [channel] });
    // The built-in desktop rule, with the same short windows (its defaults are ten minutes).
    const desktop = (await harness.call('listAlertRules', {})).find((rule) => rule.id === 'rul_desktop') as Rule;
    await harness.call('updateAlertRule', { id: desktop.id, cooldownMs: COOLDOWN_MS, trigger: { ...desktop.trigger, crashLoop: { crashes: 2, windowMs: WINDOW_MS } } as Rule['trigger'] });

    const { deployment } = await harness.deploy({ name: 'loop', restartPolicy: 'always', cmd: ['sh', '-c', 'echo "starting, then failing"; exit 3'] });
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, LOOP_FOR_MS));
    const crashes = harness.systemLines(deployment.id).filter((text) => text === '[CRASH] exit=3 oom=false').length;
    // Let the last crash's alerts go out before counting.
    await waitFor('the outbox to empty', async () => (await harness!.call('listAlertHistory', { limit: 200 })).every((delivery) => delivery.status !== 'pending'));
    const elapsed = Date.now() - started;

    const alerts = hook.requests.map((request) => ({ ...(JSON.parse(request.body) as { kind: string; count: number; title: string }), receivedAt: request.at }));
    const loops = alerts.filter((alert) => alert.kind === 'crash_loop');
    const desktopKinds = harness.notifications.filter((notification) => notification.deploymentId === deployment.id).map((notification) => notification.kind);
    process.stdout.write(
      `[alerts] ${crashes} crashes in ${Math.round(elapsed / 1000)} s → webhook: ${alerts.map((alert) => `${alert.kind}(${alert.count})`).join(', ')}; desktop: ${desktopKinds.join(', ')}\n`,
    );

    expect(crashes).toBeGreaterThanOrEqual(6);
    // Before the loop is known (3 crashes), one crash alert: the second crash is within the cooldown.
    expect(alerts[0]).toMatchObject({ kind: 'crash' });
    expect(alerts.filter((alert) => alert.kind === 'crash')).toHaveLength(1);
    // One crash-loop alert, with the count, then at most one reminder per cooldown.
    // The loop alert, and a reminder: crashes go on past the cooldown.
    expect(loops.length).toBeGreaterThanOrEqual(2);
    expect(loops.length).toBeLessThanOrEqual(1 + Math.floor(elapsed / COOLDOWN_MS));
    expect(loops[0]).toMatchObject({ count: 3 });
    for (let index = 1; index < loops.length; index += 1) {
      expect(loops[index]!.receivedAt - loops[index - 1]!.receivedAt).toBeGreaterThanOrEqual(COOLDOWN_MS - 1000);
      expect(loops[index]!.count).toBeGreaterThan(loops[index - 1]!.count);
    }
    expect(alerts.length).toBeLessThan(crashes);
    // The desktop: a crash, the loop, and at most one reminder per cooldown, however many crashes.
    expect(desktopKinds.slice(0, 2)).toEqual(['crash', 'crash_loop']);
    expect(desktopKinds.length).toBeLessThanOrEqual(2 + Math.floor(elapsed / COOLDOWN_MS));
    expect(desktopKinds.filter((kind) => kind === 'crash')).toHaveLength(1);
  }, LOOP_FOR_MS + 120_000);
});
