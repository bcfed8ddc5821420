// Follows an ECS service's CloudWatch log group: the last ~50 events first, then new ones, in order,
// each exactly once (events with equal timestamps included), at most one API call per interval, and
// backing off while CloudWatch throttles.
import { FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { isThrottling } from '../../aws/aws-errors';

export interface CloudWatchEvent {
  /** `<stream>/<eventId>`: unique even where an emulator numbers events per stream. */
  readonly key: string;
  readonly timestamp: number;
  readonly message: string;
  readonly logStreamName: string;
}

export interface LogFollowerCursor {
  /** Highest event timestamp delivered. */
  readonly timestamp: number;
  /** Keys of delivered events inside the overlap window before `timestamp`. */
  readonly keys: readonly string[];
}

export interface CloudWatchLogFollowerOptions {
  readonly logs: Pick<CloudWatchLogsClient, 'send'>;
  readonly logGroupName: string;
  readonly logStreamNamePrefix?: string;
  /** Receives events in order; called once per page. */
  readonly deliver: (events: readonly CloudWatchEvent[]) => void;
  /** Where to resume (after an engine restart); without it the follower tails the last `tailLines`. */
  readonly cursor?: LogFollowerCursor | null;
  /** Persist the cursor (called after every delivery). */
  readonly saveCursor?: (cursor: LogFollowerCursor) => void;
  readonly tailLines?: number;
  /** How far back the first tail looks. */
  readonly tailWindowMs?: number;
  /** Minimum time between two API calls of this follower (≥ 1000: one call per second). */
  readonly minCallIntervalMs?: number;
  /** Poll cadence while following. */
  readonly pollIntervalMs?: number;
  /** Re-read this far behind the cursor: CloudWatch can ingest an event after later ones. */
  readonly overlapMs?: number;
  readonly maxBackoffMs?: number;
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
}

const MAX_TAIL_PAGES = 20;

export class CloudWatchLogFollower {
  private readonly tailLines: number;
  private readonly minCallIntervalMs: number;
  private readonly pollIntervalMs: number;
  private readonly overlapMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;
  private cursorTimestamp: number | null;
  /** key → timestamp of events delivered within the overlap window. */
  private readonly delivered = new Map<string, number>();
  private lastCallAt = 0;
  private backoffMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private polling: Promise<void> | null = null;
  /** API calls made, for tests and the rate bench. */
  calls = 0;
  throttled = 0;

  constructor(private readonly options: CloudWatchLogFollowerOptions) {
    this.tailLines = options.tailLines ?? 50;
    this.minCallIntervalMs = Math.max(1000, options.minCallIntervalMs ?? 1000);
    this.pollIntervalMs = Math.max(this.minCallIntervalMs, options.pollIntervalMs ?? 2000);
    this.overlapMs = options.overlapMs ?? 5000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.cursorTimestamp = options.cursor?.timestamp ?? null;
    for (const key of options.cursor?.keys ?? []) this.delivered.set(key, options.cursor!.timestamp);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.polling ?? Promise.resolve();
  }

  /** One round: the tail on the first call, else every new event since the cursor. */
  poll(): Promise<void> {
    this.polling ??= (this.cursorTimestamp === null ? this.tail() : this.follow()).finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.poll()
        .then(() => {
          this.backoffMs = 0;
        })
        .catch((error: unknown) => {
          if (isThrottling(error)) {
            this.throttled += 1;
            this.backoffMs = Math.min(this.maxBackoffMs, Math.max(this.pollIntervalMs, this.backoffMs * 2 || this.pollIntervalMs * 2));
          } else {
            this.backoffMs = Math.min(this.maxBackoffMs, Math.max(this.pollIntervalMs * 2, this.backoffMs * 2));
            this.options.onError?.(error);
          }
        })
        .finally(() => this.schedule(this.pollIntervalMs + this.backoffMs));
    }, delayMs);
  }

  private async call(input: { startTime: number; nextToken?: string }): Promise<{ events: FilteredLogEvent[]; nextToken?: string }> {
    const wait = this.lastCallAt + this.minCallIntervalMs - this.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastCallAt = this.now();
    this.calls += 1;
    const page = await this.options.logs.send(
      new FilterLogEventsCommand({
        logGroupName: this.options.logGroupName,
        ...(this.options.logStreamNamePrefix ? { logStreamNamePrefix: this.options.logStreamNamePrefix } : {}),
        startTime: input.startTime,
        ...(input.nextToken ? { nextToken: input.nextToken } : {}),
      }),
    );
    // The prefix is applied again here: not every CloudWatch implementation (moto) honours it.
    const prefix = this.options.logStreamNamePrefix;
    const events = (page.events ?? []).filter((event) => !prefix || (event.logStreamName ?? '').startsWith(prefix));
    return { events, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  private async tail(): Promise<void> {
    const windowMs = this.options.tailWindowMs ?? 3 * 60 * 60_000;
    let kept: CloudWatchEvent[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_TAIL_PAGES; page++) {
      const result = await this.call({ startTime: this.now() - windowMs, ...(nextToken ? { nextToken } : {}) });
      kept = kept.concat(result.events.map(toEvent)).slice(-this.tailLines * 4);
      nextToken = result.nextToken;
      if (!nextToken) break;
    }
    const ordered = orderEvents(kept);
    // Everything older than the last `tailLines` is skipped, but remembered so it never comes back.
    for (const event of ordered) this.delivered.set(event.key, event.timestamp);
    this.cursorTimestamp = ordered.length ? ordered[ordered.length - 1]!.timestamp : this.now() - this.overlapMs;
    this.emit(ordered.slice(-this.tailLines));
  }

  private async follow(): Promise<void> {
    let nextToken: string | undefined;
    const startTime = Math.max(0, (this.cursorTimestamp ?? 0) - this.overlapMs);
    do {
      const result = await this.call({ startTime, ...(nextToken ? { nextToken } : {}) });
      const fresh = orderEvents(result.events.map(toEvent)).filter((event) => !this.delivered.has(event.key));
      for (const event of fresh) {
        this.delivered.set(event.key, event.timestamp);
        if (event.timestamp > (this.cursorTimestamp ?? 0)) this.cursorTimestamp = event.timestamp;
      }
      this.emit(fresh);
      nextToken = result.nextToken;
    } while (nextToken && !this.stopped);
    this.forgetOld();
  }

  private emit(events: readonly CloudWatchEvent[]): void {
    if (events.length > 0) this.options.deliver(events);
    if (this.cursorTimestamp !== null) this.options.saveCursor?.(this.cursor());
  }

  cursor(): LogFollowerCursor {
    const timestamp = this.cursorTimestamp ?? 0;
    return { timestamp, keys: [...this.delivered].filter(([, at]) => at >= timestamp - this.overlapMs).map(([key]) => key) };
  }

  /** Keys older than the overlap window can never be re-read, so they need not be remembered. */
  private forgetOld(): void {
    const horizon = (this.cursorTimestamp ?? 0) - this.overlapMs;
    for (const [key, at] of this.delivered) if (at < horizon) this.delivered.delete(key);
  }
}

function toEvent(event: FilteredLogEvent): CloudWatchEvent {
  const logStreamName = event.logStreamName ?? '';
  return {
    key: `${logStreamName}/${event.eventId ?? `${event.timestamp}:${event.message}`}`,
    timestamp: event.timestamp ?? 0,
    message: event.message ?? '',
    logStreamName,
  };
}

/** By timestamp; equal timestamps keep the order CloudWatch returned them in (its ingestion order). */
export function orderEvents(events: readonly CloudWatchEvent[]): CloudWatchEvent[] {
  return events.map((event, index) => ({ event, index })).sort((a, b) => a.event.timestamp - b.event.timestamp || a.index - b.index).map(({ event }) => event);
}
