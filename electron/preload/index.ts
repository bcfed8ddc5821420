// The preload: exposes `window.berth` (shared/contract.ts BerthBridge) and nothing else. One function
// per request of the contract, `on` for engine events and `subscribeLogs`. Listeners never see the
// Electron event, everything returns an unsubscribe, and ipcRenderer itself is never exposed.
// Built as one CommonJS bundle, so it runs with `sandbox: true`.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BerthBridge, EventName, EventPayload, LogBatch, LogGap, LogSnapshot, LogSubscribeInput } from '../../shared/contract';
import type { LogSubscriptionHandlers, Unsubscribe } from '../../shared/api';
import type { Result } from '../../shared/result';
import { EVENT_NAMES, LOG_CHANNELS, REQUEST_NAMES, eventChannel, requestChannel } from './ipc-channels';

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

// One listener for every subscription's batches (and gaps), routed by subscription id.
const batchRoutes = new Map<string, (batch: LogBatch) => void>();
const gapRoutes = new Map<string, (gap: LogGap) => void>();
ipcRenderer.on(LOG_CHANNELS.batch, (_event: IpcRendererEvent, subscriptionId: unknown, batch: LogBatch) => {
  if (typeof subscriptionId === 'string') batchRoutes.get(subscriptionId)?.(batch);
});
ipcRenderer.on(LOG_CHANNELS.gap, (_event: IpcRendererEvent, subscriptionId: unknown, gap: LogGap) => {
  if (typeof subscriptionId === 'string') gapRoutes.get(subscriptionId)?.(gap);
});

let subscriptionCount = 0;

function subscribeLogs(input: LogSubscribeInput, handlers: LogSubscriptionHandlers): Unsubscribe {
  const subscriptionId = `s${++subscriptionCount}-${Math.random().toString(36).slice(2, 10)}`;
  let closed = false;
  let snapshotDelivered = false;
  const early: LogBatch[] = [];
  const deliver = (batch: LogBatch) => {
    try {
      handlers.onBatch(batch);
    } catch (error) {
      handlers.onError?.(`The log viewer failed on a batch: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      // The acknowledgement is the flow control: the main process sends more only after it.
      ipcRenderer.send(LOG_CHANNELS.acknowledge, subscriptionId);
    }
  };
  batchRoutes.set(subscriptionId, (batch) => {
    if (closed) return;
    if (snapshotDelivered) deliver(batch);
    else early.push(batch);
  });
  gapRoutes.set(subscriptionId, (gap) => {
    if (!closed) handlers.onGap?.(gap);
  });
  void invoke(LOG_CHANNELS.subscribe, subscriptionId, input).then((result: Result<LogSnapshot>) => {
    if (closed) return;
    if (!result.ok) {
      batchRoutes.delete(subscriptionId);
      gapRoutes.delete(subscriptionId);
      handlers.onError?.(result.error.message);
      return;
    }
    handlers.onSnapshot(result.value);
    snapshotDelivered = true;
    for (const batch of early.splice(0)) deliver(batch);
  });
  return () => {
    if (closed) return;
    closed = true;
    batchRoutes.delete(subscriptionId);
    gapRoutes.delete(subscriptionId);
    ipcRenderer.send(LOG_CHANNELS.unsubscribe, subscriptionId);
  };
}

const bridge = { ...requestFunctions, on, subscribeLogs } as unknown as BerthBridge;
contextBridge.exposeInMainWorld('berth', bridge);
