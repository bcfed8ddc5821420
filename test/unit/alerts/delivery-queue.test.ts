// The outbox against a real loopback receiver: retries with back-off and every try in the history, a receiver
// that hangs holding up only its own channel, and rows that survive a restart without being sent twice.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ChannelSender } from '../../../electron/engine/alerts/channel-sender';
import { DeliveryQueue } from '../../../electron/engine/alerts/delivery-queue';
import { EventBus } from '../../../electron/engine/event-bus';
import { Store } from '../../../electron/engine/store/store';
import type { AlertHistoryRepository, NewAlert } from '../../../electron/engine/store/alert-history';
import { startReceiver, type Receiver } from '../../support/http-receiver';
import { makeTempDir } from '../../support/temp-dir';

/** The outbox's rows, read as a slow disk would: the rows are those due when the read began, and it ends `ms` later. */
function slowDueReads(history: AlertHistoryRepository, ms: number): AlertHistoryRepository {
  const slow = Object.create(history) as AlertHistoryRepository;
  slow.due = (now, limit) => {
    const rows = history.due(now, limit);
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // a read that holds the thread, as better-sqlite3's do
    }
    return rows;
  };
  return slow;
}

const alert = (title: string): NewAlert => ({ ruleId: null, ruleName: null, groupKey: 'g', kind: 'crash', projectId: null, deploymentId: null, title, body: 'body', count: 1, at: Date.now() });

describe('the delivery outbox', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function setup(dir: string, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; closeGraceMs?: number; slowReadMs?: number } = {}) {
    const store = Store.open(join(dir, 'berth.db'));
    const queue = new DeliveryQueue({
      history: options.slowReadMs ? slowDueReads(store.alertHistory, options.slowReadMs) : store.alertHistory,
      channels: store.alertChannels,
      sender: new ChannelSender({ events: new EventBus(), vault: { available: false, encrypt: () => Buffer.alloc(0), decrypt: () => '' }, env: options.env ?? {}, timeoutMs: options.timeoutMs ?? 2000 }),
      projects: store.projects,
      policy: { baseMs: 50, maxMs: 1000, maxAttempts: 4 },
    });
    queue.start();
    const close = async () => {
      await queue.close(options.closeGraceMs ?? 0);
      store.close();
    };
    cleanups.push(close);
    return { store, queue, close };
  }

  async function receiver(respond?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
    const started = await startReceiver(respond);
    cleanups.push(() => started.close());
    return started;
  }

  const channelFor = (store: Store, name: string, envName: string) => store.alertChannels.create({ name, kind: 'ntfy', url: { sealed: null, env: envName, hint: `$${envName}` }, signingSecret: null });

  it('a receiver that answers 500 twice then 200 gets the alert once more after each failure, and the history shows three tries', async () => {
    const temp = makeTempDir();
    cleanups.push(() => temp.cleanup());
    const flaky = await receiver((_request, index, response) => void response.writeHead(index < 2 ? 500 : 200).end(index < 2 ? 'busy' : 'ok'));
    const { store, queue } = setup(temp.dir, { env: { FLAKY_URL: `${flaky.url}/topic` } });
    const channel = channelFor(store, 'flaky', 'FLAKY_URL');
    const [deliveryId] = queue.enqueue(alert('one alert'), [channel]);
    await flaky.waitFor(3);
    await queue.idle();
    const delivery = store.alertHistory.view(deliveryId!)!;
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts.map((attempt) => [attempt.outcome, attempt.statusCode])).toEqual([
      ['http_error', 500],
      ['http_error', 500],
      ['delivered', 200],
    ]);
    expect(delivery.attempts[0]!.error).toContain('HTTP 500: busy');
    // Each try carries the same delivery id, so a receiver can tell a retry from a new alert.
    expect(new Set(flaky.requests.map((request) => request.headers['x-berth-delivery']))).toEqual(new Set([deliveryId]));
    expect(flaky.requests).toHaveLength(3);
  });

  it('a retry that falls due while the outbox is being read is still made (the timer is set from the time of the read)', async () => {
    // On a loaded machine the read of due rows can take longer than the wait before a retry (or a timer can
    // fire a millisecond early): the retry was not due when the rows were read but is by the time the pass
    // ends. Reading the rows here takes 80 ms, longer than the 50 ms back-off.
    const temp = makeTempDir();
    cleanups.push(() => temp.cleanup());
    const flaky = await receiver((_request, index, response) => void response.writeHead(index < 2 ? 500 : 200).end());
    const { store, queue } = setup(temp.dir, { env: { FLAKY_URL: flaky.url }, slowReadMs: 80 });
    const [deliveryId] = queue.enqueue(alert('one alert'), [channelFor(store, 'flaky', 'FLAKY_URL')]);
    await flaky.waitFor(3, 5000);
    await queue.idle();
    expect(store.alertHistory.view(deliveryId!)!.status).toBe('delivered');
  });

  it('a receiver that hangs holds up only its own channel: another channel’s alert arrives at once', async () => {
    const temp = makeTempDir();
    cleanups.push(() => temp.cleanup());
    const hung = await receiver(() => 'hang');
    const quick = await receiver();
    const { store, queue } = setup(temp.dir, { timeoutMs: 10_000, env: { HUNG_URL: hung.url, QUICK_URL: quick.url } });
    const slow = channelFor(store, 'hung', 'HUNG_URL');
    const fast = channelFor(store, 'quick', 'QUICK_URL');
    queue.enqueue(alert('first, to the hung one'), [slow]);
    await hung.waitFor(1);
    const started = Date.now();
    queue.enqueue(alert('second'), [slow, fast]);
    await quick.waitFor(1);
    expect(Date.now() - started).toBeLessThan(2000);
    // The hung channel's second alert waits behind its first, never beside it.
    expect(hung.requests).toHaveLength(1);
  });

  it('gives up after the last try, and on a refusal at once', async () => {
    const temp = makeTempDir();
    cleanups.push(() => temp.cleanup());
    const down = await receiver((_request, _index, response) => void response.writeHead(503).end());
    const gone = await receiver((_request, _index, response) => void response.writeHead(404).end('no_service'));
    const { store, queue } = setup(temp.dir, { env: { DOWN: down.url, GONE: gone.url } });
    const [downId] = queue.enqueue(alert('down'), [channelFor(store, 'down', 'DOWN')]);
    const [goneId] = queue.enqueue(alert('gone'), [channelFor(store, 'gone', 'GONE')]);
    await down.waitFor(4);
    await gone.waitFor(1);
    await queue.idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.alertHistory.view(downId!)).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(store.alertHistory.view(downId!)!.attempts).toHaveLength(4);
    expect(store.alertHistory.view(goneId!)!.attempts.map((attempt) => attempt.outcome)).toEqual(['rejected']);
    expect(down.requests).toHaveLength(4);
    expect(gone.requests).toHaveLength(1);
  });

  it('an environment variable that is not set fails the delivery with a message that says so, and sends nothing', async () => {
    const temp = makeTempDir();
    cleanups.push(() => temp.cleanup());
    const { store, queue } = setup(temp.dir);
    const [id] = queue.enqueue(alert('nowhere'), [channelFor(store, 'unset', 'BERTH_UNSET_URL')]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await queue.idle();
    const delivery = store.alertHistory.view(id!)!;
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts[0]).toMatchObject({ outcome: 'not_configured' });
    expect(delivery.attempts[0]!.error).toMatch(/BERTH_UNSET_URL, which is not set/);
  });

  it('survives a restart: what was delivered is not sent again; what waited, and what was in flight, is sent by the next engine', async () => {
    const temp = makeTempDir();
    cleanups.push(() => temp.cleanup());
    const target = await receiver((_request, index, response) => (index === 1 ? 'hang' : void response.writeHead(200).end()));
    const first = setup(temp.dir, { timeoutMs: 60_000, env: { URL: target.url } });
    const channel = channelFor(first.store, 'target', 'URL');
    const [deliveredId] = first.queue.enqueue(alert('delivered before the restart'), [channel]);
    await target.waitFor(1);
    await first.queue.idle();
    const [inFlightId] = first.queue.enqueue(alert('in flight at the restart'), [channel]);
    await target.waitFor(2);
    // The next one waits behind the hung one on the same channel.
    const [waitingId] = first.queue.enqueue(alert('waiting at the restart'), [channel]);
    await first.close();

    const second = setup(temp.dir, { timeoutMs: 60_000, env: { URL: target.url } });
    await target.waitFor(4);
    await second.queue.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const titles = target.requests.map((request) => request.body);
    expect(titles.filter((body) => body === 'body')).toHaveLength(4);
    const deliveries = target.requests.map((request) => request.headers['x-berth-delivery']);
    expect(deliveries.filter((id) => id === deliveredId)).toHaveLength(1);
    expect(deliveries.filter((id) => id === waitingId)).toHaveLength(1);
    // The in-flight one is sent again, with its id, and its history says why.
    expect(deliveries.filter((id) => id === inFlightId)).toHaveLength(2);
    expect(second.store.alertHistory.view(inFlightId!)!.attempts.map((attempt) => attempt.outcome)).toEqual(['interrupted', 'delivered']);
    expect(second.store.alertHistory.view(waitingId!)!.status).toBe('delivered');
  });

  it('a shutdown waits briefly for a try under way, so an answer that comes records it and the next engine does not send it again', async () => {
    const temp = makeTempDir();
    cleanups.push(() => temp.cleanup());
    const slow = await receiver((_request, _index, response) => void setTimeout(() => response.writeHead(200).end(), 300));
    const first = setup(temp.dir, { env: { URL: slow.url }, closeGraceMs: 5000 });
    const [id] = first.queue.enqueue(alert('answered during the shutdown'), [channelFor(first.store, 'slow', 'URL')]);
    await slow.waitFor(1);
    await first.close();
    const second = setup(temp.dir, { env: { URL: slow.url } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(second.store.alertHistory.view(id!)!.attempts.map((attempt) => attempt.outcome)).toEqual(['delivered']);
    expect(slow.requests).toHaveLength(1);
  });
});
