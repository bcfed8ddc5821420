import type { Deployment, LogLine, LogSnapshot, RunDetail } from '../../../shared';
import type { Store } from '../store/store';
import type { LogWriter } from './log-writer';

/** Where a subscription's lines go: an SSE response, an IPC batcher, a test. */
export interface LogSink {
  /** Delivers lines in order; lineNo of the first is always lastDelivered + 1. */
  send(lines: readonly LogLine[]): void;
  /** False once the transport's buffer is past its high watermark. */
  ready(): boolean;
  /** Called by the sink's owner when its buffer drained below the watermark. */
  onReady(callback: () => void): void;
  /** Told when pushes stop because the consumer is behind, and when it has caught up. */
  behind?(isBehind: boolean): void;
}

export interface LogSubscribeOptions {
  /** Resume after this lineNo (exclusive). When absent, the snapshot carries the last `tail` lines. */
  readonly since?: number;
  readonly tail?: number;
}

interface Subscription {
  readonly deploymentId: string;
  readonly sink: LogSink;
  lastDelivered: number;
  catchingUp: boolean;
  closed: boolean;
}

const PAGE = 1000;
const DEFAULT_TAIL = 1000;

/**
 * Snapshot-then-live log subscriptions with flow control. Live batches come only from committed
 * lines. A consumer that is not ready stops getting pushes and later catches up by paging from
 * SQLite, so nothing here buffers without bound and nothing is skipped.
 */
export class LogHub {
  private readonly byDeployment = new Map<string, Set<Subscription>>();
  private readonly offCommit: () => void;

  constructor(
    private readonly store: Store,
    writer: LogWriter,
    private readonly activeRun: (deploymentId: string) => RunDetail | null,
  ) {
    this.offCommit = writer.onCommit((deploymentId, lines) => this.deliver(deploymentId, lines));
  }

  /**
   * Returns the snapshot (already sent to nobody: the caller sends it first) and starts live delivery.
   * `lastDelivered` is the lineNo the sink's first lines continue from (the snapshot's end).
   */
  subscribe(deployment: Deployment, options: LogSubscribeOptions, sink: LogSink): { snapshot: LogSnapshot; lastDelivered: number; unsubscribe: () => void } {
    const lastLineNo = this.store.logLines.lastLineNo(deployment.id);
    const since = options.since !== undefined ? Math.min(options.since, lastLineNo) : undefined;
    const lines =
      since !== undefined
        ? this.store.logLines.since(deployment.id, since, PAGE)
        : this.store.logLines.tail(deployment.id, options.tail ?? DEFAULT_TAIL);
    const delivered = lines.at(-1)?.lineNo ?? (since ?? lastLineNo);
    const subscription: Subscription = {
      deploymentId: deployment.id,
      sink,
      lastDelivered: delivered,
      catchingUp: false,
      closed: false,
    };
    let set = this.byDeployment.get(deployment.id);
    if (!set) this.byDeployment.set(deployment.id, (set = new Set()));
    set.add(subscription);
    sink.onReady(() => this.catchUp(subscription));
    const snapshot: LogSnapshot = { deployment, activeRun: this.activeRun(deployment.id), lines, lastLineNo };
    // The snapshot page may stop short of the end (since far back): page the rest once the caller sent it.
    if (delivered < lastLineNo) queueMicrotask(() => this.startCatchUp(subscription));
    return {
      snapshot,
      lastDelivered: delivered,
      unsubscribe: () => {
        subscription.closed = true;
        set.delete(subscription);
        if (set.size === 0) this.byDeployment.delete(deployment.id);
      },
    };
  }

  subscriberCount(deploymentId: string): number {
    return this.byDeployment.get(deploymentId)?.size ?? 0;
  }

  close(): void {
    this.offCommit();
    this.byDeployment.clear();
  }

  private deliver(deploymentId: string, lines: readonly LogLine[]): void {
    for (const subscription of this.byDeployment.get(deploymentId) ?? []) {
      if (subscription.catchingUp) continue;
      const first = lines[0];
      if (!first) continue;
      if (!subscription.sink.ready() || first.lineNo > subscription.lastDelivered + 1) {
        this.startCatchUp(subscription);
        continue;
      }
      const fresh = first.lineNo > subscription.lastDelivered ? lines : lines.filter((line) => line.lineNo > subscription.lastDelivered);
      if (fresh.length === 0) continue;
      subscription.lastDelivered = fresh.at(-1)!.lineNo;
      subscription.sink.send(fresh);
    }
  }

  private startCatchUp(subscription: Subscription): void {
    if (subscription.catchingUp || subscription.closed) return;
    subscription.catchingUp = true;
    subscription.sink.behind?.(true);
    this.catchUp(subscription);
  }

  /** Pages from SQLite while the sink has room; resumes live pushes once caught up. */
  private catchUp(subscription: Subscription): void {
    if (!subscription.catchingUp || subscription.closed) return;
    while (subscription.sink.ready()) {
      const page = this.store.logLines.since(subscription.deploymentId, subscription.lastDelivered, PAGE);
      if (page.length > 0) {
        subscription.lastDelivered = page.at(-1)!.lineNo;
        subscription.sink.send(page);
      }
      if (page.length < PAGE) {
        subscription.catchingUp = false;
        subscription.sink.behind?.(false);
        return;
      }
    }
  }
}
