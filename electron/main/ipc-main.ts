// The one typed wrapper around Electron IPC in the main process (the preload is the other side).
// Channels come from the contract; every handler checks that the sender is our renderer and
// validates its input with the contract's zod schema (through the engine's dispatch), and always
// answers with a Result: thrown errors never cross the process boundary.
import { z } from 'zod';
import { err, describeIssues, ok, type Result } from '../../shared/result';
import { EVENT_NAMES, streams, type EventName, type EventPayload, type LogSnapshot, type RequestName, type RequestOutput } from '../../shared/contract';
import type { Deployment } from '../../shared/schemas';
import { assertNever } from '../../shared/vocabulary';
import { IpcLogBatcher } from '../engine/logs/ipc-batcher';
import type { LogHub } from '../engine/logs/log-hub';
import { LOG_CHANNELS, REQUEST_NAMES, eventChannel, requestChannel } from '../../shared/ipc-channels';

/** The parts of a WebContents the wrapper uses. */
export interface IpcSender {
  readonly id: number;
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface IpcEvent {
  /** The frame that sent the message; null once it navigated away or was destroyed. */
  readonly senderFrame: { readonly url: string } | null;
  readonly sender: IpcSender;
}

/** The parts of Electron's ipcMain the wrapper uses. */
export interface IpcMainPort {
  handle(channel: string, listener: (event: IpcEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEvent, ...args: unknown[]) => void): unknown;
  removeAllListeners(channel: string): unknown;
}

export type DispatchPort = <N extends RequestName>(name: N, input: unknown) => Promise<Result<RequestOutput<N>>>;

export interface IpcBindingOptions {
  readonly ipcMain: IpcMainPort;
  readonly dispatch: DispatchPort;
  /** True for our renderer's URL (see renderer-location.ts). */
  readonly isTrustedUrl: (url: string) => boolean;
  readonly logs: Pick<LogHub, 'subscribe'>;
  /** The highest stored lineNo of a deployment, so a gap message can say how far it reaches. */
  readonly lastLineNo: (deploymentId: string) => number;
}

const subscriptionIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const MAX_SUBSCRIPTIONS_PER_WINDOW = 64;
/** Batches a window may leave unacknowledged before pushes stop and the hub pages from SQLite instead. */
const MAX_UNACKNOWLEDGED_BATCHES = 4;

/** Only our own renderer page may call the engine; a foreign frame (or a navigated-away one) may not. */
export function isTrustedSender(event: IpcEvent, isTrustedUrl: (url: string) => boolean): boolean {
  const url = event.senderFrame?.url;
  return typeof url === 'string' && isTrustedUrl(url);
}

function forbidden<T>(): Result<T> {
  return err('FORBIDDEN', 'This IPC message did not come from the Berth renderer.');
}

/** The handler for one request channel: sender check, then dispatch (which validates with zod). */
export function createRequestHandler<N extends RequestName>(name: N, dispatch: DispatchPort, isTrustedUrl: (url: string) => boolean) {
  return async (event: IpcEvent, input: unknown): Promise<Result<RequestOutput<N>>> => {
    if (!isTrustedSender(event, isTrustedUrl)) return forbidden();
    try {
      return await dispatch(name, input);
    } catch (error) {
      return err('INTERNAL', `Berth hit an unexpected error while handling ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

interface OpenSubscription {
  readonly batcher: IpcLogBatcher;
  readonly unsubscribe: () => void;
}

/** Log subscriptions per window: snapshot through invoke, then acknowledged batches. */
export class IpcLogSubscriptions {
  private readonly bySender = new Map<number, Map<string, OpenSubscription>>();

  constructor(
    private readonly dispatch: DispatchPort,
    private readonly hub: Pick<LogHub, 'subscribe'>,
    private readonly isTrustedUrl: (url: string) => boolean,
    private readonly lastLineNo: (deploymentId: string) => number,
  ) {}

  async subscribe(event: IpcEvent, rawId: unknown, rawInput: unknown): Promise<Result<LogSnapshot>> {
    if (!isTrustedSender(event, this.isTrustedUrl)) return forbidden();
    const id = subscriptionIdSchema.safeParse(rawId);
    if (!id.success) return err('VALIDATION_FAILED', 'Invalid log subscription id.', 'subscriptionId');
    const input = streams.logs.input.safeParse(rawInput ?? {});
    if (!input.success) {
      const { message, field } = describeIssues(input.error.issues);
      return err('VALIDATION_FAILED', `Invalid input for subscribeLogs: ${message}`, field);
    }
    const sender = event.sender;
    let subscriptions = this.bySender.get(sender.id);
    if (subscriptions?.has(id.data)) return err('CONFLICT', `Log subscription "${id.data}" is already open.`);
    if ((subscriptions?.size ?? 0) >= MAX_SUBSCRIPTIONS_PER_WINDOW) return err('CONFLICT', 'This window has too many open log subscriptions.');
    const deployment = await this.dispatch('getDeployment', { id: input.data.deploymentId });
    if (!deployment.ok) return deployment;
    if (sender.isDestroyed()) return err('NOT_FOUND', 'The window closed.');

    const deploymentId = input.data.deploymentId;
    const subscriptionId = id.data;
    const batcher = new IpcLogBatcher({
      deploymentId,
      lastLineNo: () => this.lastLineNo(deploymentId),
      maxUnacknowledged: MAX_UNACKNOWLEDGED_BATCHES,
      emit: (message) => {
        if (sender.isDestroyed()) return;
        switch (message.kind) {
          case 'batch':
            return sender.send(LOG_CHANNELS.batch, subscriptionId, message.batch);
          case 'gap':
            return sender.send(LOG_CHANNELS.gap, subscriptionId, message.gap);
          case 'caught-up':
            return sender.send(LOG_CHANNELS.caughtUp, subscriptionId, message.caughtUp);
          default:
            return assertNever(message);
        }
      },
    });
    const options = {
      ...(input.data.since !== undefined ? { since: input.data.since } : {}),
      ...(input.data.tail !== undefined ? { tail: input.data.tail } : {}),
    };
    const { snapshot, lastDelivered, unsubscribe } = this.hub.subscribe(deployment.value as Deployment, options, batcher);
    batcher.continueAfter(lastDelivered);
    if (!subscriptions) {
      this.bySender.set(sender.id, (subscriptions = new Map()));
      sender.once('destroyed', () => this.release(sender.id));
    }
    subscriptions.set(subscriptionId, { batcher, unsubscribe });
    return ok(snapshot);
  }

  acknowledge(event: IpcEvent, rawId: unknown): void {
    if (!isTrustedSender(event, this.isTrustedUrl) || typeof rawId !== 'string') return;
    this.bySender.get(event.sender.id)?.get(rawId)?.batcher.acknowledge();
  }

  unsubscribe(event: IpcEvent, rawId: unknown): void {
    if (!isTrustedSender(event, this.isTrustedUrl) || typeof rawId !== 'string') return;
    const subscriptions = this.bySender.get(event.sender.id);
    const subscription = subscriptions?.get(rawId);
    if (!subscription) return;
    subscription.unsubscribe();
    subscription.batcher.close();
    subscriptions!.delete(rawId);
  }

  /** Closes every subscription of a window (it closed, reloaded or navigated). */
  release(senderId: number): void {
    for (const subscription of this.bySender.get(senderId)?.values() ?? []) {
      subscription.unsubscribe();
      subscription.batcher.close();
    }
    this.bySender.delete(senderId);
  }

  count(senderId: number): number {
    return this.bySender.get(senderId)?.size ?? 0;
  }

  releaseAll(): void {
    for (const senderId of [...this.bySender.keys()]) this.release(senderId);
  }
}

export interface IpcBinding {
  readonly logs: IpcLogSubscriptions;
  /** Sends an engine event to a window, if it still shows our renderer. */
  sendEvent<E extends EventName>(target: IpcSender, event: E, payload: EventPayload<E>): void;
  dispose(): void;
}

/** Registers one invoke channel per contract request, plus the log subscription channels. */
export function bindIpc(options: IpcBindingOptions): IpcBinding {
  const { ipcMain, dispatch, isTrustedUrl } = options;
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(requestChannel(name), createRequestHandler(name, dispatch, isTrustedUrl) as (event: IpcEvent, ...args: unknown[]) => unknown);
  }
  const logs = new IpcLogSubscriptions(dispatch, options.logs, isTrustedUrl, options.lastLineNo);
  ipcMain.handle(LOG_CHANNELS.subscribe, (event, id, input) => logs.subscribe(event, id, input));
  ipcMain.on(LOG_CHANNELS.acknowledge, (event, id) => logs.acknowledge(event, id));
  ipcMain.on(LOG_CHANNELS.unsubscribe, (event, id) => logs.unsubscribe(event, id));

  return {
    logs,
    sendEvent: (target, event, payload) => {
      if (!EVENT_NAMES.includes(event) || target.isDestroyed() || !isTrustedUrl(target.getURL())) return;
      target.send(eventChannel(event), payload);
    },
    dispose: () => {
      for (const name of REQUEST_NAMES) ipcMain.removeHandler(requestChannel(name));
      ipcMain.removeHandler(LOG_CHANNELS.subscribe);
      ipcMain.removeAllListeners(LOG_CHANNELS.acknowledge);
      ipcMain.removeAllListeners(LOG_CHANNELS.unsubscribe);
      logs.releaseAll();
    },
  };
}
