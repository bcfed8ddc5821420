import type Dockerode from 'dockerode';
import { pumpDockerLogs } from '../docker/log-demux';
import { openDockerLogStream } from '../docker/log-stream';
import type { SocketReader } from '../docker/socket-reader';
import { createLogger } from '../logger';
import { isDockerNotFound, withDockerTimeout } from '../docker/call';
import { errorText } from '../engine-error';
import type { LogLinesPort, StatePort } from '../context';
import type { LogLineRepository } from '../store/log-lines';
import { WakeableSleep } from '../wakeable-sleep';

const log = createLogger('monitor/runtime-logs');

export interface RuntimeLogFollowerOptions {
  /** No bytes for this long: the stream is treated as stalled and re-attached. */
  readonly stallMs?: number;
  /** First wait before re-attaching after the stream ended or Docker was unreachable; doubles up to maxRetryMs. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  /** A Compose stack's service: its container's lines are stored with it (docs/product-rules.md, "Compose stacks"). */
  readonly service?: string;
}

/** What a follower reads and writes: the log writer, the lines stored so far, and where it left off. */
export interface RuntimeLogFollowerPorts {
  readonly logs: Pick<LogLinesPort, 'append' | 'flush'>;
  readonly stored: Pick<LogLineRepository, 'runtimeOutputSince' | 'lastRuntimeOutputTs'>;
  readonly state: StatePort;
  /** The engine's one reader of Docker log sockets. */
  readonly reader: SocketReader;
}

/**
 * Where the follower is: the newest stored runtime line's time (ms). Docker's `since` has second
 * resolution, so a re-attach replays lines already stored; those are recognised and skipped.
 */
interface Cursor {
  lastMs: number;
}

/**
 * What a re-attach asks Docker for: from one second before the cursor's second, because a line of the
 * other stream stamped just before the cursor may not have been stored yet.
 */
const sinceSeconds = (cursor: Cursor): number => (cursor.lastMs > 0 ? Math.max(0, Math.floor(cursor.lastMs / 1000) - 1) : 0);

const replayKey = (ts: number, stream: string, text: string): string => `${ts}\u0000${stream}\u0000${text}`;

/** How a follow pass ended: it stored lines; stored none while the container runs; stored none and it is stopped; failed. */
export type FollowPassEnd = 'stored' | 'running' | 'idle' | 'failed';

/**
 * The wait before the next follow pass. A pass that stored lines is followed at once: Docker 20.10 can end
 * a follow before the last lines of a container that is exiting, and a crashed container's last lines
 * matter most. A running container whose stream ended (Docker restarted, a stall) is re-attached
 * promptly. A stopped container with nothing new, or a failure, backs off, doubling up to `maxRetryMs`.
 */
export function nextFollowWait(previous: number, end: FollowPassEnd, retryMs: number, maxRetryMs: number): number {
  if (end === 'stored') return 0;
  if (end === 'running') return retryMs;
  return Math.min(maxRetryMs, Math.max(retryMs, previous * 2));
}

/**
 * Follows one container's output (`docker logs -f` with timestamps) into the log writer as
 * `source=runtime`. When the stream ends, stalls or Docker goes away (an engine restart), it
 * re-attaches from the last timestamp and drops what it already stored, so nothing is duplicated.
 */
export class RuntimeLogFollower {
  private readonly logs: RuntimeLogFollowerPorts['logs'];
  private readonly stored: RuntimeLogFollowerPorts['stored'];
  private readonly state: StatePort;
  private readonly reader: SocketReader;
  private readonly stallMs: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private cursor: Cursor | undefined;
  private stopped = false;
  /** True from `start()` until its follow loop has ended. */
  private following = false;
  private current: NodeJS.ReadableStream | undefined;
  /** Passes over the container's log (follow or catch-up) run one at a time. */
  private lock: Promise<void> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private readonly pause = new WakeableSleep();
  /** Lines this follower has handed to the writer. */
  private appended = 0;
  private readonly service: string | null;

  constructor(
    private readonly docker: Dockerode,
    ports: RuntimeLogFollowerPorts,
    readonly deploymentId: string,
    readonly containerId: string,
    options: RuntimeLogFollowerOptions = {},
  ) {
    ({ logs: this.logs, stored: this.stored, state: this.state, reader: this.reader } = ports);
    this.stallMs = options.stallMs ?? 120_000;
    this.retryMs = options.retryMs ?? 250;
    this.maxRetryMs = options.maxRetryMs ?? 5_000;
    this.service = options.service ?? null;
  }

  /** Starts following; after a finished `stop()`, starts again (the monitor does when removing a dead container failed). */
  start(): void {
    if (this.following) return;
    this.following = true;
    this.stopped = false;
    this.loop = this.followLoop().finally(() => {
      this.following = false;
    });
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
   * Makes sure everything the container printed up to now is stored, e.g. before a dead container is
   * removed: every line since the stored ones, read as a stream (a flood that outran the follower can be
   * large). A container with nothing stored yet gets its last `tail` lines (the crash sequence's "last 100 lines").
   */
  async catchUp(tail = 100): Promise<void> {
    this.abortCurrent();
    await this.exclusive(async () => {
      const container = this.docker.getContainer(this.containerId);
      const info = await withDockerTimeout(container.inspect(), 'inspect');
      const cursor = this.cursorFor(info.Created);
      const stream = await withDockerTimeout(
        openDockerLogStream(this.docker, this.reader, this.containerId, { follow: false, timestamps: true, since: sinceSeconds(cursor), ...(cursor.lastMs === 0 ? { tail } : {}) }),
        'logs',
        { onLate: (late) => destroy(late) },
      );
      await this.pump(stream, info.Config.Tty, cursor);
    });
    this.logs.flush();
  }

  private async followLoop(): Promise<void> {
    let wait = this.retryMs;
    while (!this.stopped) {
      try {
        const before = this.appended;
        const running = await this.exclusive(() => this.followOnce());
        if (this.stopped) break;
        wait = nextFollowWait(wait, this.appended > before ? 'stored' : running ? 'running' : 'idle', this.retryMs, this.maxRetryMs);
      } catch (error) {
        if (isDockerNotFound(error)) {
          log.debug(`container ${this.containerId.slice(0, 12)} is gone; runtime log follower stops`);
          break;
        }
        log.debug(`runtime logs of ${this.deploymentId} unavailable; retrying`, errorText(error));
        wait = nextFollowWait(wait, 'failed', this.retryMs, this.maxRetryMs);
      }
      if (wait > 0) await this.pause.sleep(wait);
    }
    this.logs.flush();
  }

  /** One follow pass: returns whether the container is still running when the stream ended. */
  private async followOnce(): Promise<boolean> {
    const container = this.docker.getContainer(this.containerId);
    const info = await withDockerTimeout(container.inspect(), 'inspect');
    const cursor = this.cursorFor(info.Created);
    if (this.stopped) return false;
    // Straight off the Docker socket (logs/docker-log-stream.ts): dockerode's chunked stream is about 3x slower under a flood.
    const stream: NodeJS.ReadableStream = await withDockerTimeout(
      openDockerLogStream(this.docker, this.reader, this.containerId, { follow: true, timestamps: true, since: sinceSeconds(cursor) }),
      'logs -f',
      { onLate: (late) => destroy(late) },
    );
    // A stop that came while the stream was opening found nothing to abort: this pass must not start.
    if (this.stopped) {
      destroy(stream);
      return false;
    }
    this.current = stream;
    log.debug(`following the runtime logs of ${this.deploymentId} since ${sinceSeconds(cursor)}`);
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
    log.debug(`runtime log pass of ${this.deploymentId} over; the container is ${after.State.Running ? 'running' : 'not running'}`);
    return after.State.Running;
  }

  private async pump(source: NodeJS.ReadableStream, tty: boolean, cursor: Cursor): Promise<void> {
    // Docker stamps stdout and stderr in separate goroutines, so stamps are not in order across the two
    // streams: a line older than the newest stored one can still be new. Only lines that are stored
    // already (same time, stream and text) are replays; everything else is kept.
    const replayUntil = cursor.lastMs;
    const replay = replayUntil > 0 ? this.storedSince(sinceSeconds(cursor) * 1000) : undefined;
    await pumpDockerLogs(source, {
      tty,
      timestamps: true,
      onLines: (lines) => {
        for (const line of lines) {
          const ts = line.ts ?? Date.now();
          if (replay && ts <= replayUntil && replay.size > 0) {
            const key = replayKey(ts, line.stream, line.text);
            const left = replay.get(key);
            if (left !== undefined) {
              if (left === 1) replay.delete(key);
              else replay.set(key, left - 1);
              continue;
            }
          }
          if (ts > cursor.lastMs) cursor.lastMs = ts;
          this.appended++;
          this.logs.append(this.deploymentId, { stream: line.stream, source: 'runtime', text: line.text, ts, cut: line.cut, raw: line.raw ?? null, service: this.service });
        }
      },
    });
  }

  /** The runtime lines stored from `fromMs` on, as replay keys with their counts (the lines a re-attach sends again). */
  private storedSince(fromMs: number): Map<string, number> {
    this.logs.flush();
    const keys = new Map<string, number>();
    for (const { ts, stream, text } of this.stored.runtimeOutputSince(this.deploymentId, fromMs, this.service)) {
      const key = replayKey(ts, stream, text);
      keys.set(key, (keys.get(key) ?? 0) + 1);
    }
    return keys;
  }

  /** The in-memory cursor, or one rebuilt from the store (after an engine restart). */
  private cursorFor(containerCreated: string): Cursor {
    if (this.cursor) return this.cursor;
    // A container followed for the first time is read from its start: during a redeploy the old
    // container keeps logging while the new one starts, so the newest stored time says nothing about it.
    const followedKey = `monitor.logContainer.${this.deploymentId}${this.service ? `.${this.service}` : ''}`;
    if (this.state.get(followedKey) !== this.containerId) {
      this.state.set(followedKey, this.containerId);
      this.cursor = { lastMs: 0 };
      return this.cursor;
    }
    // Lines from before this container existed belong to an earlier container of the deployment.
    const createdMs = Date.parse(containerCreated) || 0;
    this.logs.flush();
    // A stack service's own lines: another service's newer line says nothing about where this one got to.
    this.cursor = { lastMs: this.stored.lastRuntimeOutputTs(this.deploymentId, createdMs - 1000, this.service) ?? 0 };
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
