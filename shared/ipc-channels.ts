// The Electron IPC channel names, derived from the contract. Both sides of the bridge use these: the
// main process's typed wrapper (electron/main/ipc-main.ts) and the preload. No other code names a channel.
import { requests, type EventName, type RequestName, type StreamEventName } from './contract';

export const REQUEST_NAMES = Object.keys(requests) as RequestName[];

export function requestChannel(name: RequestName): string {
  return `berth:request:${name}`;
}

/** The events stream: one channel per engine event. */
export function eventChannel(name: EventName): string {
  return `berth:event:${name}`;
}

function logChannel(name: StreamEventName<'logs'> | 'subscribe' | 'unsubscribe' | 'batch' | 'ack'): string {
  return `berth:logs:${name}`;
}

/**
 * The logs stream: subscribe (invoke → the snapshot, lines included), then messages pushed per
 * subscription id. Lines travel in batches, each acknowledged by the window; that acknowledgement
 * is the flow control. `deployment` and `run` changes reach windows as engine events instead.
 */
export const LOG_CHANNELS = {
  subscribe: logChannel('subscribe'),
  unsubscribe: logChannel('unsubscribe'),
  batch: logChannel('batch'),
  acknowledge: logChannel('ack'),
  /** The stream's `behind`: the window fell behind; lines fromLineNo..toLineNo follow from SQLite. */
  gap: logChannel('behind'),
  /** The stream's `caught-up`: every line up to lineNo has been sent, and live batches resume. */
  caughtUp: logChannel('caught-up'),
} as const;
