// The one health probe and its success rules, used by Docker verify, ECS verify and the monitors.
import type { HealthCheckRule } from '../../../shared';
import { abortableDelay } from '../abortable-delay';
import { StepAborted } from '../step-failure';

/**
 * A health route passes on any 2xx or 3xx answer, as Kubernetes' HTTP probes count it and `curl -f`
 * does (redirects are not followed: a login redirect still proves the app answers). Without a health
 * route (`any_below_500`), any answer below 500 shows that the app serves HTTP: a 404 for `/` included,
 * a 5xx not (docs/product-rules.md, "Monitoring").
 */
export const isHealthyStatus = (status: number, rule: HealthCheckRule = 'status_2xx_3xx'): boolean =>
  rule === 'any_below_500' ? status >= 100 && status < 500 : status >= 200 && status < 400;

export interface ProbeResult {
  readonly ok: boolean;
  readonly statusCode: number | null;
  /** Time to the response headers, to 0.1 ms; null when nothing answered. */
  readonly latencyMs: number | null;
  /** Why it failed (`HTTP 503`, `connection refused`, `no answer within 2 s`); null when it passed. */
  readonly error: string | null;
  /** What came back, for a log line: `HTTP 302 Found`, `connection refused`, … */
  readonly description: string;
}

export interface ProbeOptions {
  readonly timeoutMs: number;
  /** Which answers pass; 2xx–3xx when not given. */
  readonly rule?: HealthCheckRule;
  /** A stopped run: the probe rejects with StepAborted instead of reporting a failure. */
  readonly signal?: AbortSignal;
}

/** One GET of `url`. Never throws for an unhealthy app; only a stop (the signal) rejects it. */
export async function probeHttp(url: string, options: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { 'user-agent': 'berth-health' },
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    // Drop the body so the connection is released.
    await response.body?.cancel().catch(() => undefined);
    const ok = isHealthyStatus(response.status, options.rule);
    const description = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    return { ok, statusCode: response.status, latencyMs, error: ok ? null : `HTTP ${response.status}`, description };
  } catch (error) {
    if (options.signal?.aborted) throw new StepAborted();
    const reason = timeout.aborted ? `no answer within ${formatSeconds(options.timeoutMs)}` : failureReason(error);
    return { ok: false, statusCode: null, latencyMs: null, error: reason, description: reason };
  }
}

function failureReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET') return 'connection reset';
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

const formatSeconds = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

export type VerifyOutcome =
  | { readonly kind: 'healthy'; readonly afterMs: number; readonly result: ProbeResult }
  | { readonly kind: 'gave-up'; readonly last: ProbeResult }
  | { readonly kind: 'timeout'; readonly last: ProbeResult };

export interface VerifyOptions {
  readonly url: string;
  /** How long the app has to answer. */
  readonly timeoutMs: number;
  /** The pause between probes. */
  readonly intervalMs: number;
  readonly probeTimeoutMs: number;
  /** Which answers pass; 2xx–3xx when not given. */
  readonly rule?: HealthCheckRule;
  readonly signal?: AbortSignal;
  /** Hears every result with its attempt number; the caller decides what to log. */
  readonly onResult?: (result: ProbeResult, attempt: number) => void;
  /** Asked after each failed probe: true stops waiting (the container exited, say). */
  readonly giveUp?: () => Promise<boolean>;
}

/** Verify's loop: probe until one passes, `giveUp` says so, or the time is up. */
export async function probeUntilHealthy(options: VerifyOptions): Promise<VerifyOutcome> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new StepAborted();
    const result = await probeHttp(options.url, { timeoutMs: options.probeTimeoutMs, ...(options.rule ? { rule: options.rule } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    options.onResult?.(result, attempt);
    if (result.ok) return { kind: 'healthy', afterMs: Date.now() - started, result };
    if (await options.giveUp?.()) return { kind: 'gave-up', last: result };
    if (Date.now() - started + options.intervalMs >= options.timeoutMs) return { kind: 'timeout', last: result };
    await abortableDelay(options.intervalMs, options.signal);
  }
}
