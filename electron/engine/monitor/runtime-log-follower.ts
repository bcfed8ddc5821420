import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { pumpDockerLogs, type DemuxedLine } from '../logs/docker-demux';
import type { LogWriter } from '../logs/log-writer';
import { createLogger } from '../logger';
import { withDockerTimeout } from './docker-timeout';
import { sourceCode, streamCode } from '../store/log-lines';
import type { Store } from '../store/store';
import { WakeableSleep } from './wakeable-sleep';

const log = createLogger('monitor/runtime-logs');

export interface RuntimeLogFollowerOptions {
  /** No bytes for this long: the stream is treated as stalled and re-attached. */
  readonly stallMs?: number;
  /** First wait before re-attaching after the stream ended or Docker was unreachable; doubles up to maxRetryMs. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
}

/**
 * Where the follower is: the newest stored runtime line's time (ms), and the lines stored at exactly
 * that millisecond. Docker's `since` has second resolution, so a re-attach replays a little; those
 * replayed lines are recognised and skipped.
 */
interface Cursor {
  lastMs: number;
  atLast: string[];
}

const keyOf = (line: DemuxedLine): string => `${line.stream}\u0000${line.text}`;

/**
 * Follows one container's output (`docker logs -f` with timestamps) into the log writer as
 * `source=runtime`. When the stream ends, stalls or Docker goes away (an engine restart), it
 * re-attaches from the last timestamp and drops what it already stored, so nothing is duplicated.
 */
export class RuntimeLogFollower {
  private readonly stallMs: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private cursor: Cursor | undefined;
  private stopped = false;
  private current: NodeJS.ReadableStream | undefined;
  /** Passes over the container's log (follow or catch-up) run one at a time. */
  private lock: Promise<void> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private readonly pause = new WakeableSleep();

  constructor(
    private readonly docker: Dockerode,
    private readonly store: Store,
    private readonly logs: LogWriter,
    readonly deploymentId: string,
    readonly containerId: string,
    options: RuntimeLogFollowerOptions = {},
  ) {
    this.stallMs = options.stallMs ?? 120_000;
    this.retryMs = options.retryMs ?? 250;
    this.maxRetryMs = options.maxRetryMs ?? 5_000;
  }

  start(): void {
    this.loop ??= this.followLoop();
  }

  /** Stops following; a catch-up in flight still finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abortCurrent();
    this.pause.wake();
    await this.loop;
    await this.lock;
  }

  /** Re-attach now (after a Docker reconnect or a restart) instead of waiting for the back-off. */
  nudge(): void {
    this.pause.wake();
  }

  /**
   * Makes sure everything the container printed up to now is stored (at least its last `tail`
   * lines, seed 003's "last 100 lines"), e.g. before a dead container is removed.
   */
  async catchUp(tail = 100): Promise<void> {
    this.abortCurrent();
    await this.exclusive(async () => {
      const container = this.docker.getContainer(this.containerId);
      const info = await withDockerTimeout(container.inspect(), 'inspect');
      const cursor = this.cursorFor(info.Created);
      const buffer = (await withDockerTimeout(container.logs({
        follow: false,
        stdout: true,
        stderr: true,
        timestamps: true,
        since: Math.floor(cursor.lastMs / 1000),
        tail,
      }), 'logs')) as unknown as Buffer;
      await this.pump(Readable.from([buffer]), info.Config.Tty, cursor);
    });
    this.logs.flush();
  }

  private async followLoop(): Promise<void> {
    let wait = this.retryMs;
    while (!this.stopped) {
      try {
        const running = await this.exclusive(() => this.followOnce());
        if (this.stopped) break;
        // A running container whose stream ended (Docker restarted, stall): re-attach promptly.
        wait = running ? this.retryMs : Math.min(this.maxRetryMs, wait * 2);
      } catch (error) {
        if (isNotFound(error)) {
          log.debug(`container ${this.containerId.slice(0, 12)} is gone; runtime log follower stops`);
          break;
        }
        log.debug(`runtime logs of ${this.deploymentId} unavailable; retrying`, errorText(error));
        wait = Math.min(this.maxRetryMs, wait * 2);
      }
      await this.pause.sleep(wait);
    }
    this.logs.flush();
  }

  /** One follow pass: returns whether the container is still running when the stream ended. */
  private async followOnce(): Promise<boolean> {
    const container = this.docker.getContainer(this.containerId);
    const info = await withDockerTimeout(container.inspect(), 'inspect');
    const cursor = this.cursorFor(info.Created);
    if (this.stopped) return false;
    const stream = (await withDockerTimeout(container.logs({
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
      since: Math.floor(cursor.lastMs / 1000),
    }), 'logs -f', (late) => destroy(late as unknown as NodeJS.ReadableStream))) as unknown as NodeJS.ReadableStream;
    this.current = stream;
    let stallTimer: NodeJS.Timeout | undefined;
    const armStall = (): void => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        log.debug(`runtime logs of ${this.deploymentId} stalled; re-attaching`);
        destroy(stream);
      }, this.stallMs);
      stallTimer.unref();
    };
    armStall();
    stream.on('data', armStall);
    try {
      await this.pump(stream, info.Config.Tty, cursor);
    } catch (error) {
      // An aborted or broken stream is the normal way a pass ends; the loop decides what next.
      log.debug(`runtime log stream of ${this.deploymentId} ended`, errorText(error));
    } finally {
      clearTimeout(stallTimer);
      this.current = undefined;
    }
    this.logs.flush();
    if (this.stopped) return false;
    const after = await withDockerTimeout(container.inspect(), 'inspect');
    return after.State.Running;
  }

  private async pump(source: NodeJS.ReadableStream, tty: boolean, cursor: Cursor): Promise<void> {
    // Lines at the cursor's millisecond that were stored before this pass began are replays.
    const replay = [...cursor.atLast];
    await pumpDockerLogs(source, {
      tty,
      timestamps: true,
      onLines: (lines) => {
        for (const line of lines) {
          const ts = line.ts ?? Date.now();
          if (ts < cursor.lastMs) continue;
          const key = keyOf(line);
          if (ts === cursor.lastMs) {
            const index = replay.indexOf(key);
            if (index !== -1) {
              replay.splice(index, 1);
              continue;
            }
            cursor.atLast.push(key);
          } else {
            cursor.lastMs = ts;
            cursor.atLast = [key];
            replay.length = 0;
          }
          this.logs.append(this.deploymentId, { stream: line.stream, source: 'runtime', text: line.text, ts, cut: line.cut, raw: line.raw ?? null });
        }
      },
    });
  }

  /** The in-memory cursor, or one rebuilt from the store (after an engine restart). */
  private cursorFor(containerCreated: string): Cursor {
    if (this.cursor) return this.cursor;
    // A container followed for the first time is read from its start: during a redeploy the old
    // container keeps logging while the new one starts, so the newest stored time says nothing about it.
    const followedKey = `monitor.logContainer.${this.deploymentId}`;
    if (this.store.state.get(followedKey) !== this.containerId) {
      this.store.state.set(followedKey, this.containerId);
      this.cursor = { lastMs: 0, atLast: [] };
      return this.cursor;
    }
    // Lines from before this container existed belong to an earlier container of the deployment.
    const createdMs = Date.parse(containerCreated) || 0;
    this.logs.flush();
    const last = this.store.db
      .prepare('SELECT MAX(ts) AS ts FROM log_lines WHERE deployment_id = ? AND source = ? AND stream != ? AND ts >= ?')
      .get(this.deploymentId, sourceCode('runtime'), streamCode('system'), createdMs - 1000) as { ts: number | null };
    if (last.ts === null) {
      this.cursor = { lastMs: 0, atLast: [] };
      return this.cursor;
    }
    const rows = this.store.db
      .prepare('SELECT stream, text FROM log_lines WHERE deployment_id = ? AND source = ? AND stream != ? AND ts = ? ORDER BY line_no')
      .all(this.deploymentId, sourceCode('runtime'), streamCode('system'), last.ts) as { stream: number; text: string }[];
    this.cursor = { lastMs: last.ts, atLast: rows.map((row) => `${row.stream === streamCode('stderr') ? 'stderr' : 'stdout'}\u0000${row.text}`) };
    return this.cursor;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.lock.then(work);
    this.lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private abortCurrent(): void {
    if (this.current) destroy(this.current);
  }

}

function destroy(stream: NodeJS.ReadableStream): void {
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}

export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: number }).statusCode === 404;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
