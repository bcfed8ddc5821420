import {
  requestHasBody,
  requests,
  type BerthApi,
  type EventName,
  type EventPayload,
  type LogBatch,
  type LogLine,
  type LogSnapshot,
  type LogSubscribeInput,
  type LogSubscriptionHandlers,
  type RequestInput,
  type RequestName,
  type RequestOutput,
  type Result,
} from '../../../shared';
import { readSse } from './sse-reader';

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
          const response = await fetch(`${this.baseUrl}/api/deployments/${encodeURIComponent(input.deploymentId)}/logs/stream?${query}`, {
            headers: { authorization: `Bearer ${this.token}`, ...(lastLineNo !== undefined ? { 'last-event-id': String(lastLineNo) } : {}) },
            signal: abort.signal,
          });
          if (!response.ok || !response.body) {
            handlers.onError?.(`The log stream answered HTTP ${response.status}.`);
          } else {
            let pending: LogLine[] = [];
            let snapshot: Omit<LogSnapshot, 'lines'> | undefined;
            let flushScheduled = false;
            const flush = () => {
              flushScheduled = false;
              if (pending.length === 0) return;
              const lines = pending;
              pending = [];
              if (snapshot) {
                handlers.onSnapshot({ ...snapshot, lines });
                snapshot = undefined;
              } else {
                const batch: LogBatch = { deploymentId: input.deploymentId, lines };
                handlers.onBatch(batch);
              }
            };
            await readSse(
              response.body,
              (event) => {
                if (event.event === 'snapshot') {
                  snapshot = JSON.parse(event.data) as Omit<LogSnapshot, 'lines'>;
                  queueMicrotask(() => {
                    if (snapshot && pending.length === 0) {
                      handlers.onSnapshot({ ...snapshot, lines: [] });
                      snapshot = undefined;
                    }
                  });
                } else if (event.event === 'line') {
                  const line = JSON.parse(event.data) as LogLine;
                  lastLineNo = line.lineNo;
                  pending.push(line);
                  if (!flushScheduled) {
                    flushScheduled = true;
                    setTimeout(flush, 16);
                  }
                } else if (event.event === 'deployment') {
                  this.emitLocal('deploymentUpdated', JSON.parse(event.data));
                } else if (event.event === 'run') {
                  this.emitLocal('runUpdated', JSON.parse(event.data));
                }
              },
              abort.signal,
            );
            flush();
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

  private emitLocal(event: EventName, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  private ensureEventStream(): void {
    if (this.eventsAbort) return;
    const abort = (this.eventsAbort = new AbortController());
    const connect = async (): Promise<void> => {
      while (!abort.signal.aborted) {
        try {
          const response = await fetch(`${this.baseUrl}/api/events`, { headers: { authorization: `Bearer ${this.token}` }, signal: abort.signal });
          if (response.ok && response.body) {
            await readSse(response.body, (event) => this.emitLocal(event.event as EventName, JSON.parse(event.data)), abort.signal);
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
