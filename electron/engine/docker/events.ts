import { StringDecoder } from 'node:string_decoder';
import type Dockerode from 'dockerode';
import { createLogger } from '../logger';
import type { StatePort } from '../context';
import { BERTH_LABEL, DEPLOYMENT_LABEL } from './labels';
import { withDockerTimeout } from './call';
import { errorText } from '../engine-error';
import { WakeableSleep } from '../wakeable-sleep';

const log = createLogger('monitor/docker-events');

/** Where the last handled Docker event is remembered, so a reconnect (or the next start) passes `since`. */
export const EVENTS_SINCE_KEY = 'monitor.dockerEventsSince';

export interface ContainerEvent {
  readonly action: 'die' | 'oom' | 'start';
  readonly containerId: string;
  readonly deploymentId: string;
  /** The exit code Docker attached to a `die`. */
  readonly exitCode: number | null;
  readonly timeNano: bigint;
}

export interface DockerEventHandlers {
  onEvent(event: ContainerEvent): void;
  /** The subscription is (re)established; events before this may have been missed, so reconcile. */
  onConnected(): void;
}

interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number | string;
}

const ACTIONS = new Set(['die', 'oom', 'start']);

/**
 * A persistent `docker events` subscription for Berth's containers (label berth.managed=true):
 * `die`, `oom` and `start`. When the stream breaks (Docker restarted) it reconnects with `since`
 * set to the last event it handled, then asks for a reconcile so no death is missed.
 */
export class DockerEventWatcher {
  private stopped = false;
  private stream: NodeJS.ReadableStream | undefined;
  private loop: Promise<void> | undefined;
  private readonly pause = new WakeableSleep();
  private sinceNano: bigint;

  constructor(
    private readonly docker: Dockerode,
    private readonly state: StatePort,
    private readonly handlers: DockerEventHandlers,
    private readonly options: { retryMs?: number; maxRetryMs?: number } = {},
  ) {
    const saved = state.get(EVENTS_SINCE_KEY);
    this.sinceNano = saved && /^\d+$/.test(saved) ? BigInt(saved) : BigInt(Date.now()) * 1_000_000n;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    destroy(this.stream);
    this.pause.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    const first = this.options.retryMs ?? 250;
    const max = this.options.maxRetryMs ?? 5_000;
    let wait = first;
    while (!this.stopped) {
      try {
        // Docker's `since` is inclusive and in seconds: replays are harmless, handlers are idempotent.
        const since = String(this.sinceNano / 1_000_000_000n);
        const stream = (await withDockerTimeout(
          this.docker.getEvents({
            since: since as unknown as number,
            filters: { type: ['container'], label: [`${BERTH_LABEL}=true`], event: [...ACTIONS] },
          }),
          'events',
          { onLate: (late) => destroy(late as NodeJS.ReadableStream) },
        )) as NodeJS.ReadableStream;
        if (this.stopped) {
          destroy(stream);
          break;
        }
        this.stream = stream;
        wait = first;
        this.handlers.onConnected();
        await this.consume(stream);
        if (!this.stopped) log.info('Docker event stream ended; reconnecting.');
      } catch (error) {
        if (!this.stopped) log.debug('Docker events unavailable; retrying', errorText(error));
        wait = Math.min(max, wait * 2);
      } finally {
        this.stream = undefined;
      }
      if (!this.stopped) await this.pause.sleep(wait);
    }
  }

  private consume(stream: NodeJS.ReadableStream): Promise<void> {
    return new Promise((resolve) => {
      // Docker may cut a chunk inside a multi-byte character: decode across chunk boundaries.
      const decoder = new StringDecoder('utf8');
      let buffered = '';
      stream.on('data', (chunk: Buffer | string) => {
        buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk);
        let newline: number;
        while ((newline = buffered.indexOf('\n')) !== -1) {
          const text = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (text) this.handle(text);
        }
      });
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', resolve);
    });
  }

  private handle(text: string): void {
    let raw: RawEvent;
    try {
      raw = JSON.parse(text) as RawEvent;
    } catch {
      return;
    }
    const action = raw.Action ?? raw.status ?? '';
    const attributes = raw.Actor?.Attributes ?? {};
    const containerId = raw.Actor?.ID ?? raw.id;
    const deploymentId = attributes[DEPLOYMENT_LABEL];
    const timeNano = raw.timeNano !== undefined ? BigInt(raw.timeNano) : BigInt(raw.time ?? 0) * 1_000_000_000n;
    if (timeNano > this.sinceNano) {
      this.sinceNano = timeNano;
      try {
        this.state.set(EVENTS_SINCE_KEY, String(timeNano));
      } catch (error) {
        // A full disk, say: the event is still handled; a restart replays from the last time stored.
        log.warn('could not remember the last Docker event', errorText(error));
      }
    }
    if (!ACTIONS.has(action) || !containerId || !deploymentId) return;
    const exit = attributes['exitCode'];
    this.handlers.onEvent({
      action: action as ContainerEvent['action'],
      containerId,
      deploymentId,
      exitCode: exit !== undefined && /^-?\d+$/.test(exit) ? Number(exit) : null,
      timeNano,
    });
  }
}

function destroy(stream: NodeJS.ReadableStream | undefined): void {
  (stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined)?.destroy?.();
}
