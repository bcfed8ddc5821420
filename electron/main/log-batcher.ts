// Batches a log subscription's lines for IPC, like Hyper does for terminal output: one message
// about every 16 ms, capped in size. The renderer acknowledges each batch; with too many batches
// unacknowledged (a busy renderer) the buffer fills, `ready()` turns false, and the LogHub stops
// pushing and later catches up from SQLite. Nothing is buffered without bound, nothing is dropped.
import type { LogLine } from '../../shared/schemas';
import type { LogSink } from '../engine/logs/log-hub';

export interface LogBatcherOptions {
  /** Sends one batch over IPC. */
  readonly deliver: (lines: LogLine[]) => void;
  readonly intervalMs?: number;
  /** Lines per IPC message at most. */
  readonly maxBatchLines?: number;
  /** Batches in flight (sent, not yet acknowledged) at most. */
  readonly maxUnacknowledged?: number;
  /** Past this many buffered lines the subscription is "behind" (high watermark). */
  readonly highWatermarkLines?: number;
}

export class LogBatcher implements LogSink {
  private buffer: LogLine[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private unacknowledged = 0;
  private closed = false;
  private readonly readyCallbacks: (() => void)[] = [];
  private readonly intervalMs: number;
  private readonly maxBatchLines: number;
  private readonly maxUnacknowledged: number;
  private readonly highWatermarkLines: number;

  constructor(private readonly options: LogBatcherOptions) {
    this.intervalMs = options.intervalMs ?? 16;
    this.maxBatchLines = options.maxBatchLines ?? 2_000;
    this.maxUnacknowledged = options.maxUnacknowledged ?? 4;
    this.highWatermarkLines = options.highWatermarkLines ?? 10_000;
  }

  send(lines: readonly LogLine[]): void {
    if (this.closed || lines.length === 0) return;
    for (const line of lines) this.buffer.push(line);
    if (this.buffer.length >= this.maxBatchLines) this.flush(false);
    else this.schedule();
  }

  ready(): boolean {
    return !this.closed && this.buffer.length < this.highWatermarkLines;
  }

  onReady(callback: () => void): void {
    this.readyCallbacks.push(callback);
  }

  /** The renderer handled one batch. */
  acknowledge(): void {
    if (this.unacknowledged > 0) this.unacknowledged -= 1;
    this.flush(true);
  }

  bufferedLines(): number {
    return this.buffer.length;
  }

  close(): void {
    this.closed = true;
    this.buffer = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush(true);
    }, this.intervalMs);
  }

  /** Sends what the in-flight limit allows. `notify` wakes a hub that stopped pushing (never re-entrantly). */
  private flush(notify: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (!this.closed && this.buffer.length > 0 && this.unacknowledged < this.maxUnacknowledged) {
      const batch = this.buffer.splice(0, this.maxBatchLines);
      this.unacknowledged += 1;
      this.options.deliver(batch);
    }
    if (notify && this.ready()) {
      queueMicrotask(() => {
        if (this.ready()) for (const callback of this.readyCallbacks) callback();
      });
    }
  }
}
