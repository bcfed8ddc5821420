import {
  assertNever,
  decodeSse,
  readStreamMessage,
  requestHasBody,
  requests,
  streamPath,
  type BerthApi,
  type EventName,
  type EventPayload,
  type LogLine,
  type LogSnapshotHead,
  type LogSubscribeInput,
  type LogSubscriptionHandlers,
  type RequestInput,
  type RequestName,
  type RequestOutput,
  type Result,
  type SseMessage,
  type StreamName,
} from '../../../shared';

const RECONNECT_MS = 1000;

/** The renderer's API over the engine's HTTP + SSE interface (browser mode). */
export class HttpApi implements BerthApi {
  readonly transport = 'http' as const;
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  private eventsAbort: AbortController | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Result<RequestOutput<N>>> {
    const definition = requests[name];
    const rest: Record<string, unknown> = { ...(input as Record<string, unknown>) };
    const path = definition.path.replace(/:([A-Za-z]+)/g, (_match, key: string) => {
      const value = rest[key];
      delete rest[key];
      return encodeURIComponent(String(value ?? ''));
    });
    // Inputs of POST, PUT and PATCH travel in the body, never the URL (a secret in a query string ends up in logs).
    const hasBody = requestHasBody(definition.method);
    const query = hasBody
      ? ''
      : new URLSearchParams(
          Object.entries(rest)
            .filter(([, value]) => value !== undefined)
            .map(([key, value]) => [key, String(value)] as [string, string]),
        ).toString();
    try {
      const response = await fetch(`${this.baseUrl}${path}${query ? `?${query}` : ''}`, {
        method: definition.method,
        headers: { authorization: `Bearer ${this.token}`, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
        ...(hasBody ? { body: JSON.stringify(rest) } : {}),
      });
      const body = (await response.json()) as unknown;
      if (response.ok) return { ok: true, value: body as RequestOutput<N> };
      const error = (body as { error?: { code?: string; message?: string; field?: string } }).error;
      return { ok: false, error: { code: (error?.code as 'INTERNAL') ?? 'INTERNAL', message: error?.message ?? `HTTP ${response.status}`, ...(error?.field ? { field: error.field } : {}) } };
    } catch (error) {
      return { ok: false, error: { code: 'INTERNAL', message: `Cannot reach the Berth engine (${(error as Error).message}). Is \`berth serve\` still running?` } };
    }
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: unknown) => void);
    this.ensureEventStream();
    return () => set.delete(listener as (payload: unknown) => void);
  }

  subscribeLogs(input: LogSubscribeInput, handlers: LogSubscriptionHandlers): () => void {
    const abort = new AbortController();
    let lastLineNo = input.since;
    const connect = async (): Promise<void> => {
      while (!abort.signal.aborted) {
        try {
          const query = new URLSearchParams();
          if (input.tail !== undefined) query.set('tail', String(input.tail));
          // Last-Event-ID resumes after the last line this subscription received, across reconnects.
          const messages = await this.openStream('logs', `${streamPath('logs', { id: input.deploymentId })}?${query}`, abort.signal, lastLineNo !== undefined ? { 'last-event-id': String(lastLineNo) } : {});
          if (typeof messages === 'string') {
            handlers.onError?.(messages);
          } else {
            // Lines read from one network chunk go to the viewer as one batch (the snapshot's lines with the snapshot);
            // the terminal draws once per frame anyway, so waiting longer here would only add latency.
            let pending: LogLine[] = [];
            let snapshot: LogSnapshotHead | undefined;
            let timer: ReturnType<typeof setTimeout> | undefined;
            const flush = () => {
              clearTimeout(timer);
              timer = undefined;
              const lines = pending;
              pending = [];
              if (snapshot) {
                handlers.onSnapshot({ ...snapshot, lines });
                snapshot = undefined;
              } else if (lines.length > 0) {
                handlers.onBatch({ deploymentId: input.deploymentId, lines });
              }
            };
            const flushSoon = () => (timer ??= setTimeout(flush));
            try {
              for await (const message of messages) {
                const read = readStreamMessage('logs', message);
                if (!read) continue;
                switch (read.event) {
                  case 'line':
                    lastLineNo = read.payload.lineNo;
                    pending.push(read.payload);
                    flushSoon();
                    break;
                  case 'snapshot':
                    flush();
                    snapshot = read.payload;
                    flushSoon();
                    break;
                  // The rest go out in stream order: lines received before them first.
                  case 'behind':
                    flush();
                    handlers.onGap?.(read.payload);
                    break;
                  case 'caught-up':
                    flush();
                    handlers.onCaughtUp?.(read.payload);
                    break;
                  case 'deployment':
                    flush();
                    this.emitLocal('deploymentUpdated', read.payload);
                    break;
                  case 'run':
                    flush();
                    this.emitLocal('runUpdated', read.payload);
                    break;
                  default:
                    assertNever(read);
                }
              }
            } finally {
              if (!abort.signal.aborted) flush();
              clearTimeout(timer);
            }
          }
        } catch (error) {
          if (abort.signal.aborted) return;
          handlers.onError?.(`The log stream dropped (${(error as Error).message}); reconnecting.`);
        }
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      }
    };
    void connect();
    return () => abort.abort();
  }

  private emitLocal<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  /** Opens an SSE route with the token: its events, or what went wrong. */
  private async openStream(stream: StreamName, path: string, signal: AbortSignal, headers: Record<string, string> = {}): Promise<AsyncGenerator<SseMessage, void, undefined> | string> {
    const response = await fetch(`${this.baseUrl}${path}`, { headers: { authorization: `Bearer ${this.token}`, ...headers }, signal });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return `The ${stream} stream answered HTTP ${response.status}.`;
    }
    return decodeSse(response.body.pipeThrough(new TextDecoderStream()));
  }

  private ensureEventStream(): void {
    if (this.eventsAbort) return;
    const abort = (this.eventsAbort = new AbortController());
    const connect = async (): Promise<void> => {
      while (!abort.signal.aborted) {
        try {
          const messages = await this.openStream('events', streamPath('events'), abort.signal);
          if (typeof messages !== 'string') {
            for await (const message of messages) {
              const read = readStreamMessage('events', message);
              if (read) this.emitLocal(read.event, read.payload);
            }
          }
        } catch {
          if (abort.signal.aborted) return;
        }
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      }
    };
    void connect();
  }
}

/** Reads the token from `#token=…` once, keeps it for this tab, and removes it from the address bar. */
export function tokenFromLocation(location: Location, storage: Storage, history: History): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem('berth.token', decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return storage.getItem('berth.token');
}
