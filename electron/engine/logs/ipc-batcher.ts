import type { LogBatch, LogCaughtUp, LogGap, LogLine } from '../../../shared';
import { GapNotices } from './gap-notices';
import type { LogSink } from './log-hub';

export type IpcLogMessage =
  | { readonly kind: 'batch'; readonly batch: LogBatch }
  | { readonly kind: 'gap'; readonly gap: LogGap }
  | { readonly kind: 'caught-up'; readonly caughtUp: LogCaughtUp };

export interface IpcLogBatcherOptions {
  readonly deploymentId: string;
  /** Sends one message to the window (the Electron main process wraps webContents.send). */
  readonly emit: (message: IpcLogMessage) => void;
  /** The highest lineNo stored so far, so a gap can say how far it reaches. */
  readonly lastLineNo: () => number;
  /** How long lines gather before crossing IPC (Hyper uses ~16 ms). */
  readonly intervalMs?: number;
  /** Most lines held for one batch; past it the hub stops pushing. */
  readonly maxLines?: number;
  /** Most batches the window may leave unacknowledged before pushes stop (when the window acknowledges). */
  readonly maxUnacknowledged?: number;
}

/**
 * A LogSink for Electron IPC: gathers lines for ~16 ms and sends them as one batch. It never grows
 * past `maxLines`; when full (or when the window has not acknowledged recent batches) it reports
 * not-ready, the hub stops pushing, and the window is told of the gap it may page in with
 * `getLogs since`. The hub catches the sink up from SQLite once it is ready again, and the window is
 * told when it has.
 */
export class IpcLogBatcher implements LogSink {
  private readonly intervalMs: number;
  private readonly maxLines: number;
  private readonly maxUnacknowledged: number;
  private pending: LogLine[] = [];
  private timer: NodeJS.Timeout | undefined;
  private unacknowledged = 0;
  private lastSent = 0;
  private readonly readyCallbacks: (() => void)[] = [];
  private readonly notices: GapNotices;
  private closed = false;

  constructor(private readonly options: IpcLogBatcherOptions) {
    this.intervalMs = options.intervalMs ?? 16;
    this.maxLines = options.maxLines ?? 2000;
    this.maxUnacknowledged = options.maxUnacknowledged ?? Number.POSITIVE_INFINITY;
    this.notices = new GapNotices(options.deploymentId, options.lastLineNo);
  }

  send(lines: readonly LogLine[]): void {
    if (this.closed || lines.length === 0) return;
    for (const line of lines) this.pending.push(line);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  ready(): boolean {
    return !this.closed && this.pending.length < this.maxLines && this.unacknowledged < this.maxUnacknowledged;
  }

  onReady(callback: () => void): void {
    this.readyCallbacks.push(callback);
  }

  behind(isBehind: boolean): void {
    if (this.closed) return;
    // Lines the hub handed over go first, so the window hears of the gap or the catch-up in stream order.
    this.flush();
    if (isBehind) {
      const gap = this.notices.stopped(this.lastSent);
      if (gap) this.options.emit({ kind: 'gap', gap });
    } else {
      const caughtUp = this.notices.resumed(this.lastSent);
      if (caughtUp) this.options.emit({ kind: 'caught-up', caughtUp });
    }
  }

  /** The lineNo the window already has (the snapshot's end), so a first gap starts right after it. */
  continueAfter(lineNo: number): void {
    this.lastSent = lineNo;
  }

  /** The window processed a batch. */
  acknowledge(): void {
    this.unacknowledged = Math.max(0, this.unacknowledged - 1);
    this.notifyIfReady();
  }

  /** Sends what is pending now (also called by the timer). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.lastSent = lines.at(-1)!.lineNo;
    this.unacknowledged++;
    this.options.emit({ kind: 'batch', batch: { deploymentId: this.options.deploymentId, lines } });
    this.notifyIfReady();
  }

  get pendingLines(): number {
    return this.pending.length;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }

  private notifyIfReady(): void {
    if (!this.ready()) return;
    for (const callback of this.readyCallbacks) callback();
  }
}
