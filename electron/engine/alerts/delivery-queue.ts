// The outbox of alert deliveries: every pending delivery is a row in SQLite, tried in the background with a
// timeout, retried with back-off (retry-schedule.ts), and recorded try by try. The engine thread never waits
// for a receiver: a try is a fetch, one channel's deliveries go one at a time (so a receiver that hangs holds
// up only its own channel) and at most a few are under way at once. Rows survive a restart; a try the engine
// stopped during is recorded as interrupted and made again with the same delivery id, which receivers can
// use to drop a duplicate.
import type { Delivery } from '../../../shared';
import type { ProjectsPort } from '../context';
import { errorText } from '../engine-error';
import { createLogger } from '../logger';
import type { AlertChannelRepository } from '../store/alert-channels';
import type { AlertHistoryRepository, DeliveryRecord, NewAlert } from '../store/alert-history';
import type { ChannelSender, TryResult } from './channel-sender';
import type { OutgoingAlert } from './channel-request';
import { afterAttempt, type RetryPolicy } from './retry-schedule';

const log = createLogger('alerts/delivery');

export interface DeliveryQueueOptions {
  readonly history: AlertHistoryRepository;
  readonly channels: Pick<AlertChannelRepository, 'get'>;
  readonly sender: Pick<ChannelSender, 'send'>;
  readonly projects: ProjectsPort;
  readonly policy: RetryPolicy;
  /** Tries under way at once, across channels. */
  readonly maxInFlight?: number;
  /** Deliveries allowed to wait; past it the oldest are dropped (and say so in the history). */
  readonly maxPending?: number;
  readonly now?: () => number;
}

const DEFAULT_MAX_IN_FLIGHT = 8;
const DEFAULT_MAX_PENDING = 1000;
/** How many due rows one pass looks at. */
const DUE_PAGE = 500;
/** How long a shutdown waits for tries under way, so an answered one is not sent again after the restart. */
const CLOSE_GRACE_MS = 2000;

export class DeliveryQueue {
  private readonly inFlight = new Set<string>();
  private readonly busyChannels = new Set<string>();
  private readonly tries = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  /** No new tries start; those under way may still be recorded. */
  private closing = false;
  /** Nothing more is recorded (the store may be closing). */
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly options: DeliveryQueueOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Records tries a previous engine stopped during, then starts sending what is due. */
  start(): void {
    const interrupted = this.options.history.recoverInterrupted(this.now());
    if (interrupted > 0) log.info(`${interrupted} alert deliveries were under way when Berth stopped; they are tried again.`);
    this.schedulePump();
  }

  /** Queues an alert for its channels (one delivery each) and wakes the sender. */
  enqueue(alert: NewAlert, channels: readonly { id: string; name: string; kind: DeliveryRecord['channelKind'] }[]): string[] {
    if (channels.length === 0) return [];
    const { deliveryIds } = this.options.history.insert(alert, channels, this.now());
    // The desktop needs no network and no free slot: shown now, whatever the receivers are doing.
    channels.forEach((channel, index) => {
      if (channel.kind === 'desktop') this.begin(this.options.history.delivery(deliveryIds[index]!)!);
    });
    this.dropOverflow();
    this.schedulePump();
    return deliveryIds;
  }

  /** A channel's test: one try now, no retries, recorded in the history like any delivery. */
  async sendNow(alert: NewAlert, channel: { id: string; name: string; kind: DeliveryRecord['channelKind'] }): Promise<Delivery> {
    const { history } = this.options;
    const [deliveryId] = history.insert(alert, [channel], this.now()).deliveryIds;
    const delivery = history.delivery(deliveryId!)!;
    history.startTry(delivery.id, this.now());
    const result = await this.tryOnce(delivery);
    if (!this.closed) history.finishAttempt(delivery.id, attemptOf(result, this.now()), result.outcome === 'delivered' ? 'delivered' : 'failed', null, this.now());
    return history.view(delivery.id)!;
  }

  /**
   * Stops sending. Tries under way get `graceMs` to finish and be recorded; any still waiting for an answer
   * after that stay unrecorded, so the next start records them as interrupted and makes them again.
   */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.closed = true;
  }

  /** Resolves once no try is under way (tests and benches wait on it). */
  async idle(): Promise<void> {
    while (this.tries.size > 0) await Promise.allSettled([...this.tries]);
  }

  private schedulePump(): void {
    if (this.scheduled || this.closing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      try {
        this.pump();
      } catch (error) {
        // Nobody awaits a pump: say so instead of crashing the engine. The next enqueue or start tries again.
        log.error('The alert outbox could not be read', error);
      }
    });
  }

  private pump(): void {
    if (this.closing) return;
    clearTimeout(this.timer);
    const { history } = this.options;
    const maxInFlight = this.options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    // One reading of the clock for the whole pass: a retry that falls due while the rows are read (a slow
    // disk, a timer that fires a millisecond early) is left for the timer below, never for no one.
    const now = this.now();
    for (const delivery of history.due(now, DUE_PAGE)) {
      if (this.inFlight.size >= maxInFlight && delivery.channelKind !== 'desktop') continue;
      if (this.busyChannels.has(delivery.channelId)) continue;
      this.begin(delivery);
    }
    // Due rows still waiting (a busy channel, no free slot) are picked up when a try ends; later ones on a timer.
    const next = history.nextDueAt();
    if (next !== null && next > now) {
      this.timer = setTimeout(() => this.schedulePump(), Math.min(next - now, 2 ** 31 - 1));
      this.timer.unref();
    }
  }

  private begin(delivery: DeliveryRecord): void {
    const desktop = delivery.channelKind === 'desktop';
    this.inFlight.add(delivery.id);
    if (!desktop) this.busyChannels.add(delivery.channelId);
    this.options.history.startTry(delivery.id, this.now());
    const run = this.attempt(delivery).finally(() => {
      this.inFlight.delete(delivery.id);
      if (!desktop) this.busyChannels.delete(delivery.channelId);
      this.tries.delete(run);
      this.schedulePump();
    });
    this.tries.add(run);
  }

  private async attempt(delivery: DeliveryRecord): Promise<void> {
    const { history, policy } = this.options;
    try {
      const result = await this.tryOnce(delivery);
      if (this.closed) return;
      const next = afterAttempt(delivery.attempts + 1, result.outcome, this.now(), policy, result.retryAfterMs);
      history.finishAttempt(delivery.id, attemptOf(result, this.now()), next.status, next.nextAttemptAt, this.now());
      if (next.status === 'failed') log.warn(`An alert to "${delivery.channelName}" was not delivered after ${delivery.attempts + 1} tries: ${result.error ?? result.outcome}`);
    } catch (error) {
      log.error(`An alert delivery to "${delivery.channelName}" failed unexpectedly`, error);
    }
  }

  private async tryOnce(delivery: DeliveryRecord): Promise<TryResult> {
    const channel = this.options.channels.get(delivery.channelId);
    if (!channel) return { outcome: 'not_configured', statusCode: null, error: `The channel "${delivery.channelName}" was deleted.`, durationMs: 0, retryAfterMs: null };
    try {
      return await this.options.sender.send(channel, this.outgoing(delivery));
    } catch (error) {
      return { outcome: 'network_error', statusCode: null, error: `Berth could not send it: ${errorText(error)}`, durationMs: 0, retryAfterMs: null };
    }
  }

  private outgoing(delivery: DeliveryRecord): OutgoingAlert {
    const { alert } = delivery;
    const project = alert.projectId ? this.options.projects.get(alert.projectId) : undefined;
    return {
      alertId: alert.id,
      deliveryId: delivery.id,
      kind: alert.kind,
      title: alert.title,
      body: alert.body,
      count: alert.count,
      at: alert.at,
      project: alert.projectId ? { id: alert.projectId, name: project?.name ?? '' } : null,
      deploymentId: alert.deploymentId,
      rule: alert.ruleId && alert.ruleName !== null ? { id: alert.ruleId, name: alert.ruleName } : null,
    };
  }

  /** Keeps the outbox bounded: when too many wait, the oldest are given up (each says so in the history). */
  private dropOverflow(): void {
    const { history } = this.options;
    const excess = history.pendingCount() - (this.options.maxPending ?? DEFAULT_MAX_PENDING);
    if (excess <= 0) return;
    const now = this.now();
    for (const id of history.oldestPending(excess)) {
      history.finishAttempt(id, { at: now, outcome: 'not_configured', statusCode: null, error: 'Dropped: too many alerts were waiting to be delivered; the oldest were given up.', durationMs: 0 }, 'failed', null, now);
    }
    log.warn(`${excess} waiting alert deliveries were dropped: more than ${this.options.maxPending ?? DEFAULT_MAX_PENDING} were waiting.`);
  }
}

function attemptOf(result: TryResult, now: number) {
  return { at: now - result.durationMs, outcome: result.outcome, statusCode: result.statusCode, error: result.error, durationMs: result.durationMs };
}
