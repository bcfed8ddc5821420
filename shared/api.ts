// The one interface the renderer talks to. Two implementations: the preload (Electron IPC) and HTTP/SSE.
import type { EventName, EventPayload, LogBatch, LogGap, LogSnapshot, LogSubscribeInput, RequestInput, RequestName, RequestOutput } from './contract';
import type { Result } from './result';

export type Unsubscribe = () => void;

export interface LogSubscriptionHandlers {
  readonly onSnapshot: (snapshot: LogSnapshot) => void;
  readonly onBatch: (batch: LogBatch) => void;
  readonly onGap?: (gap: LogGap) => void;
  readonly onError?: (message: string) => void;
}

export interface BerthApi {
  readonly transport: 'ipc' | 'http';
  request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Result<RequestOutput<N>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
  subscribeLogs(input: LogSubscribeInput, handlers: LogSubscriptionHandlers): Unsubscribe;
}
