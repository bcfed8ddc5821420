// The IPC channel names, derived from the contract. Both sides of the bridge use these: the main
// process's typed wrapper (electron/main/ipc-main.ts) and the preload. No other code names a channel.
import { events, requests, type EventName, type RequestName } from '../../shared/contract';

export const REQUEST_NAMES = Object.keys(requests) as RequestName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function requestChannel(name: RequestName): string {
  return `berth:request:${name}`;
}

export function eventChannel(name: EventName): string {
  return `berth:event:${name}`;
}

/** Log subscriptions: subscribe (invoke → snapshot), then batches pushed per subscription id, each acknowledged. */
export const LOG_CHANNELS = {
  subscribe: 'berth:logs:subscribe',
  unsubscribe: 'berth:logs:unsubscribe',
  batch: 'berth:logs:batch',
  /** The window fell behind; lines fromLineNo..toLineNo follow from SQLite (or page them with getLogs). */
  gap: 'berth:logs:gap',
  acknowledge: 'berth:logs:ack',
} as const;
