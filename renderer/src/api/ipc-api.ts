import type {
  BerthApi,
  BerthBridge,
  EventName,
  EventPayload,
  LogSubscribeInput,
  LogSubscriptionHandlers,
  RequestInput,
  RequestName,
  RequestOutput,
  Result,
  Unsubscribe,
} from '../../../shared';

/** The renderer's API over the desktop preload (`window.berth`, Electron IPC). */
export class IpcApi implements BerthApi {
  readonly transport = 'ipc' as const;

  constructor(private readonly bridge: BerthBridge) {}

  async request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Result<RequestOutput<N>>> {
    const call = this.bridge[name] as unknown as ((input: RequestInput<N>) => Promise<Result<RequestOutput<N>>>) | undefined;
    if (typeof call !== 'function') return { ok: false, error: { code: 'UNSUPPORTED', message: `This desktop build does not offer "${name}". Restart Berth after updating.` } };
    try {
      return await call(input);
    } catch (error) {
      return { ok: false, error: { code: 'INTERNAL', message: `The Berth engine did not answer ${name}: ${error instanceof Error ? error.message : String(error)}` } };
    }
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe {
    return this.bridge.on(event, listener);
  }

  subscribeLogs(input: LogSubscribeInput, handlers: LogSubscriptionHandlers): Unsubscribe {
    return this.bridge.subscribeLogs(input, handlers);
  }
}
