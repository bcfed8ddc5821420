// The preload: exposes `window.berth` (BerthBridge in shared/api.ts) and nothing else. One function
// per request of the contract, `on` for engine events and `subscribeLogs`. Listeners never see the
// Electron event, everything returns an unsubscribe, and ipcRenderer itself is never exposed.
// Built as one CommonJS bundle, so it runs with `sandbox: true`.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, type EventName, type EventPayload, type LogBatch, type LogCaughtUp, type LogGap, type LogSnapshot, type LogSubscribeInput } from '../../shared/contract';
import type { BerthBridge, LogSubscriptionHandlers, Unsubscribe } from '../../shared/api';
import type { Result } from '../../shared/result';
import { LOG_CHANNELS, REQUEST_NAMES, eventChannel, requestChannel } from '../../shared/ipc-channels';

function unreachable(error: unknown): Result<never> {
  return { ok: false, error: { code: 'INTERNAL', message: `The Berth engine did not answer (${error instanceof Error ? error.message : String(error)}).` } };
}

async function invoke(channel: string, ...args: unknown[]): Promise<Result<never>> {
  try {
    return (await ipcRenderer.invoke(channel, ...args)) as Result<never>;
  } catch (error) {
    return unreachable(error);
  }
}

const requestFunctions = Object.fromEntries(REQUEST_NAMES.map((name) => [name, (input: unknown) => invoke(requestChannel(name), input)]));

function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe {
  if (!EVENT_NAMES.includes(event) || typeof listener !== 'function') return () => undefined;
  const channel = eventChannel(event);
  const wrapped = (_event: IpcRendererEvent, payload: EventPayload<E>) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => void ipcRenderer.removeListener(channel, wrapped);
}

/** Where one subscription's pushed messages go. */
interface LogRoute {
  batch(batch: LogBatch): void;
  gap(gap: LogGap): void;
  caughtUp(caughtUp: LogCaughtUp): void;
}

// One listener per log channel for every subscription, routed by subscription id.
const logRoutes = new Map<string, LogRoute>();
ipcRenderer.on(LOG_CHANNELS.batch, (_event: IpcRendererEvent, subscriptionId: unknown, batch: LogBatch) => {
  if (typeof subscriptionId === 'string') logRoutes.get(subscriptionId)?.batch(batch);
});
ipcRenderer.on(LOG_CHANNELS.gap, (_event: IpcRendererEvent, subscriptionId: unknown, gap: LogGap) => {
  if (typeof subscriptionId === 'string') logRoutes.get(subscriptionId)?.gap(gap);
});
ipcRenderer.on(LOG_CHANNELS.caughtUp, (_event: IpcRendererEvent, subscriptionId: unknown, caughtUp: LogCaughtUp) => {
  if (typeof subscriptionId === 'string') logRoutes.get(subscriptionId)?.caughtUp(caughtUp);
});

let subscriptionCount = 0;

function subscribeLogs(input: LogSubscribeInput, handlers: LogSubscriptionHandlers): Unsubscribe {
  const subscriptionId = `s${++subscriptionCount}-${Math.random().toString(36).slice(2, 10)}`;
  let closed = false;
  let snapshotDelivered = false;
  // Messages that raced the snapshot wait for it, in the order they came.
  const early: (() => void)[] = [];
  const inOrder = (deliver: () => void) => {
    if (closed) return;
    if (snapshotDelivered) deliver();
    else early.push(deliver);
  };
  const deliverBatch = (batch: LogBatch) => {
    try {
      handlers.onBatch(batch);
    } catch (error) {
      handlers.onError?.(`The log viewer failed on a batch: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      // The acknowledgement is the flow control: the main process sends more only after it.
      ipcRenderer.send(LOG_CHANNELS.acknowledge, subscriptionId);
    }
  };
  logRoutes.set(subscriptionId, {
    batch: (batch) => inOrder(() => deliverBatch(batch)),
    gap: (gap) => inOrder(() => handlers.onGap?.(gap)),
    caughtUp: (caughtUp) => inOrder(() => handlers.onCaughtUp?.(caughtUp)),
  });
  void invoke(LOG_CHANNELS.subscribe, subscriptionId, input).then((result: Result<LogSnapshot>) => {
    if (closed) return;
    if (!result.ok) {
      logRoutes.delete(subscriptionId);
      handlers.onError?.(result.error.message);
      return;
    }
    handlers.onSnapshot(result.value);
    snapshotDelivered = true;
    for (const deliver of early.splice(0)) deliver();
  });
  return () => {
    if (closed) return;
    closed = true;
    logRoutes.delete(subscriptionId);
    ipcRenderer.send(LOG_CHANNELS.unsubscribe, subscriptionId);
  };
}

const bridge = { ...requestFunctions, on, subscribeLogs } as unknown as BerthBridge;
contextBridge.exposeInMainWorld('berth', bridge);
