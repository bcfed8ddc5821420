// The one interface the renderer talks to. Two implementations: the preload (Electron IPC) and HTTP/SSE.
import type { EventName, EventPayload, LogBatch, LogCaughtUp, LogGap, LogSnapshot, LogSubscribeInput, RequestInput, RequestName, RequestOutput } from './contract';
import type { Result } from './result';

export type Unsubscribe = () => void;

/** The logs stream as callbacks; both transports call them in the stream's order. */
export interface LogSubscriptionHandlers {
  readonly onSnapshot: (snapshot: LogSnapshot) => void;
  readonly onBatch: (batch: LogBatch) => void;
  /** Pushes stopped: the consumer is behind, and these lines are stored but not sent yet. */
  readonly onGap?: (gap: LogGap) => void;
  /** Pushes resumed: every line up to `lineNo` has been delivered. */
  readonly onCaughtUp?: (caughtUp: LogCaughtUp) => void;
  readonly onError?: (message: string) => void;
}

export interface BerthApi {
  readonly transport: 'ipc' | 'http';
  request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Result<RequestOutput<N>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
  subscribeLogs(input: LogSubscribeInput, handlers: LogSubscriptionHandlers): Unsubscribe;
}

/**
 * What the preload exposes as `window.berth`: one function per request of the contract, plus
 * engine events and log subscriptions. Listeners never see the Electron event; both return an
 * unsubscribe. The renderer adapts it to BerthApi (renderer/src/api/ipc-api.ts).
 */
export type BerthBridge = {
  readonly [N in RequestName]: (input: RequestInput<N>) => Promise<Result<RequestOutput<N>>>;
} & {
  readonly on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => Unsubscribe;
  readonly subscribeLogs: (input: LogSubscribeInput, handlers: LogSubscriptionHandlers) => Unsubscribe;
};
