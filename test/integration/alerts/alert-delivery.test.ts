// `docker kill` of a real container, all the way to real loopback receivers (the webhook, Slack's and ntfy's
// protocols): payloads, the signature, retries recorded try by try, a receiver that hangs, and a restart.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../support/http-receiver';
import { waitFor } from '../monitor/monitor-fixture';
import { startAlertsHarness, type AlertsHarness } from './alerts-harness';

const SIGNING_SECRET = 'whsec-integration-0123456789';

describe('alerts from real crashes to real receivers', () => {
  let harness: AlertsHarness | undefined;
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    for (const receiver of receivers.splice(0)) await receiver.close();
  });
  const receiver = async (respond?: Parameters<typeof startReceiver>[0]) => {
    const started = await startReceiver(respond);
    receivers.push(started);
    return started;
  };

  it('docker kill → the webhook (signed), Slack-format and ntfy receivers each get the crash once, and the history says so', async () => {
    const [webhook, slack, ntfy] = [await receiver(), await receiver(), await receiver()];
    harness = await startAlertsHarness({ env: { BERTH_SLACK_URL: `${slack.url}/services/T0/B0/secret`, BERTH_NTFY_URL: `${ntfy.url}/berth-alerts` } });
    // The webhook's URL and secret are sealed by the (test) keychain; Slack's and ntfy's come from the environment.
    const webhookId = await harness.channel({ kind: 'webhook', name: 'hook', url: { value: `${webhook.url}/hook?token=abc` }, signingSecret: { value: SIGNING_SECRET } });
    const slackId = await harness.channel({ kind: 'slack', name: 'team slack', url: { env: 'BERTH_SLACK_URL' } });
    const ntfyId = await harness.channel({ kind: 'ntfy', name: 'phone', url: { env: 'BERTH_NTFY_URL' } });
    await harness.rule({ name: 'crashes everywhere', trigger: { type: 'events', events: ['crash', 'oom', 'crash_loop'] }, cooldownMs: 0, channelIds: [webhookId, slackId, ntfyId] });
    const channels = await harness.call('listAlertChannels', {});
    // Never echoed: only where each comes from and a hint.
    expect(JSON.stringify(channels)).not.toContain(SIGNING_SECRET);
    expect(JSON.stringify(channels)).not.toContain('token=abc');
    expect(channels.find((channel) => channel.id === slackId)?.url).toEqual({ source: 'env', env: 'BERTH_SLACK_URL', hint: '$BERTH_SLACK_URL' });

    const { deployment, containerId, projectId } = await harness.deploy({ name: 'kill' });
    await harness.docker.getContainer(containerId).kill();

    const [hook] = await webhook.waitFor(1);
    const [toSlack] = await slack.waitFor(1);
    const [toNtfy] = await ntfy.waitFor(1);
    const project = harness.engine.store.projects.get(projectId)!;

    expect(hook!.path).toBe('/hook?token=abc');
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(hook!.headers['x-berth-signature-256']).toBe(`sha256=${createHmac('sha256', SIGNING_SECRET).update(hook!.body).digest('hex')}`);
    const payload = JSON.parse(hook!.body) as Record<string, unknown>;
    expect(payload).toMatchObject({ kind: 'crash', title: `${project.name} crashed`, body: 'The container exited with 137.', count: 1, project: { id: projectId, name: project.name }, deploymentId: deployment.id, rule: { name: 'crashes everywhere' } });
    expect(hook!.headers['x-berth-delivery']).toBe(payload['delivery']);

    expect(toSlack!.path).toBe('/services/T0/B0/secret');
    expect(JSON.parse(toSlack!.body)).toEqual({ text: `*${project.name} crashed*\nThe container exited with 137.` });

    expect(toNtfy!.path).toBe('/berth-alerts');
    expect(toNtfy!.body).toBe('The container exited with 137.');
    expect(toNtfy!.headers).toMatchObject({ title: `${project.name} crashed`, priority: '4', tags: 'rotating_light' });

    // The crash was detected as before, and the desktop got its notification from the built-in rule.
    expect(harness.systemLines(deployment.id)).toContain('[CRASH] exit=137 oom=false');
    expect(harness.notifications.filter((notification) => notification.deploymentId === deployment.id).map((notification) => notification.kind)).toEqual(['crash']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([webhook, slack, ntfy].map((target) => target.requests.length)).toEqual([1, 1, 1]);
    const history = await harness.call('listAlertHistory', { limit: 10 });
    expect(history.filter((delivery) => delivery.rule?.name === 'crashes everywhere').map((delivery) => [delivery.channel.name, delivery.status, delivery.attempts.map((attempt) => attempt.statusCode)]).sort()).toEqual([
      ['hook', 'delivered', [200]],
      ['phone', 'delivered', [200]],
      ['team slack', 'delivered', [200]],
    ]);
  });

  it('a receiver that answers 500 twice, then 200, gets the alert once more each time and the history shows the three tries', async () => {
    const flaky = await receiver((_request, index, response) => void response.writeHead(index < 2 ? 500 : 200).end(index < 2 ? 'try later' : 'ok'));
    harness = await startAlertsHarness({ env: { BERTH_HOOK_URL: flaky.url, BERTH_HOOK_SECRET: SIGNING_SECRET } });
    const hook = await harness.channel({ kind: 'webhook', name: 'flaky', url: { env: 'BERTH_HOOK_URL' }, signingSecret: { env: 'BERTH_HOOK_SECRET' } });
    await harness.rule({ name: 'crash', trigger: { type: 'events', events: ['crash'] }, cooldownMs: 0, channelIds: [hook] });
    const { containerId } = await harness.deploy({ name: 'flaky' });
    await harness.docker.getContainer(containerId).kill();
    await flaky.waitFor(3);
    const delivery = await waitFor('the delivery to be recorded as delivered', async () => {
      const [latest] = await harness!.call('listAlertHistory', { limit: 1, channelId: hook });
      return latest?.status === 'delivered' ? latest : null;
    });
    expect(delivery.attempts.map((attempt) => [attempt.outcome, attempt.statusCode])).toEqual([
      ['http_error', 500],
      ['http_error', 500],
      ['delivered', 200],
    ]);
    // The back-off: each retry waited longer than the one before.
    const [first, second, third] = flaky.requests.map((request) => request.at);
    expect(third! - second!).toBeGreaterThan(second! - first!);
    // One alert: the same body and delivery id each time, and nothing after the 200.
    expect(new Set(flaky.requests.map((request) => request.body)).size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(flaky.requests).toHaveLength(3);
  });

  it('a receiver that hangs does not delay crash detection, or the alerts, of another deployment', async () => {
    const hung = await receiver(() => 'hang');
    const quick = await receiver();
    harness = await startAlertsHarness({ config: { alertTimeoutMs: 60_000 }, env: { HUNG: hung.url, QUICK: quick.url } });
    const hungChannel = await harness.channel({ kind: 'ntfy', name: 'hung', url: { env: 'HUNG' } });
    const quickChannel = await harness.channel({ kind: 'ntfy', name: 'quick', url: { env: 'QUICK' } });
    const first = await harness.deploy({ name: 'first' });
    const second = await harness.deploy({ name: 'second' });
    await harness.rule({ name: 'first to hung', projectId: first.projectId, trigger: { type: 'events', events: ['crash'] }, cooldownMs: 0, channelIds: [hungChannel] });
    await harness.rule({ name: 'second to quick', projectId: second.projectId, trigger: { type: 'events', events: ['crash'] }, cooldownMs: 0, channelIds: [quickChannel] });

    await harness.docker.getContainer(first.containerId).kill();
    await hung.waitFor(1);
    // The first alert is now stuck in its receiver (for up to a minute).
    const killedAt = Date.now();
    await harness.docker.getContainer(second.containerId).kill();
    await waitFor('the second crash line', () => harness!.systemLines(second.deployment.id).some((text) => text.startsWith('[CRASH] exit=137')));
    const detectedMs = Date.now() - killedAt;
    await quick.waitFor(1);
    const alertedMs = Date.now() - killedAt;
    process.stdout.write(`[alerts] with a hung receiver: second crash detected in ${detectedMs} ms, its alert received in ${alertedMs} ms\n`);
    expect(detectedMs).toBeLessThan(5000);
    expect(alertedMs).toBeLessThan(5000);
    // The hung try is still under way: it was never waited for.
    const [hungDelivery] = await harness.call('listAlertHistory', { limit: 1, channelId: hungChannel });
    expect(hungDelivery).toMatchObject({ status: 'pending', attempts: [] });
  });

  it('an alert that could not be delivered before a restart is delivered once by the next engine; what was delivered is not sent again', async () => {
    const target = await receiver();
    const down = await receiver();
    const downUrl = down.url;
    await down.close();
    receivers.splice(receivers.indexOf(down), 1);
    harness = await startAlertsHarness({ config: { alertRetryMs: 3000 }, env: { UP: target.url, LATER: downUrl } });
    const dataDir = harness.dataDir;
    const up = await harness.channel({ kind: 'ntfy', name: 'up', url: { env: 'UP' } });
    const later = await harness.channel({ kind: 'webhook', name: 'later', url: { env: 'LATER' }, signingSecret: { value: SIGNING_SECRET } });
    await harness.rule({ name: 'crash', trigger: { type: 'events', events: ['crash'] }, cooldownMs: 0, channelIds: [up, later] });
    const { deployment } = await harness.deploy({ name: 'restart' });
    harness.engine.notifier.crashed(deployment, 1, false);
    await target.waitFor(1);
    await waitFor('the delivery to be recorded', async () => (await harness!.call('listAlertHistory', { limit: 5, channelId: up }))[0]?.status === 'delivered');
    await waitFor('the failed first try', async () => (await harness!.call('listAlertHistory', { limit: 5, channelId: later }))[0]?.attempts.length === 1);
    // Stop the engine while the webhook's delivery waits for its retry (3 s after the failed try); keep the data dir.
    await harness.stopEngine();

    // The webhook's receiver comes up where the URL points; the next engine sends what waited, and only that.
    const [host, port] = downUrl.replace('http://', '').split(':');
    const revived = await startReceiverOn(host!, Number(port));
    const next = await startAlertsHarness({ dataDir, config: { alertRetryMs: 3000 }, env: { UP: target.url, LATER: downUrl } });
    try {
      // Still waiting, with the failed tries the first engine made: the next engine sends it when it is due.
      const waiting = (await next.call('listAlertHistory', { limit: 5, channelId: later }))[0]!;
      expect(waiting.status).toBe('pending');
      expect(new Set(waiting.attempts.map((attempt) => attempt.outcome))).toEqual(new Set(['network_error']));
      // When it is due depends on how many tries the first engine made (the wait doubles after each): allow
      // for the back-off under a loaded machine, and say where the delivery stood if it never came.
      await revived.waitFor(1, 90_000).catch(async (error: unknown) => {
        throw new Error(`${String(error)}; the delivery: ${JSON.stringify((await next.call('listAlertHistory', { limit: 5, channelId: later }))[0])}`);
      });
      await waitFor('the webhook delivery', async () => (await next.call('listAlertHistory', { limit: 5, channelId: later }))[0]?.status === 'delivered', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(target.requests).toHaveLength(1);
      expect(revived.requests).toHaveLength(1);
      const signature = revived.requests[0]!.headers['x-berth-signature-256'];
      expect(signature).toBe(`sha256=${createHmac('sha256', SIGNING_SECRET).update(revived.requests[0]!.body).digest('hex')}`);
    } finally {
      await revived.close();
      await next.close();
      // The first harness's container and data dir (its engine is already closed): afterEach would remove them too.
      await harness.close();
      harness = undefined;
    }
  });
});

/** A receiver on a given address (the one a channel already points at). */
async function startReceiverOn(host: string, port: number): Promise<Receiver> {
  const { createServer } = await import('node:http');
  const requests: Receiver['requests'] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      requests.push({ at: Date.now(), method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    url: `http://${host}:${port}`,
    requests,
    waitFor: (count, timeoutMs = 30_000) => waitFor(`${count} requests`, () => (requests.length >= count ? requests.slice() : null), timeoutMs),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open.
        server.closeAllConnections();
      }),
  };
}
